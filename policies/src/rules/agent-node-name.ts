import { asArray, at, isObject } from '../manifest/resource';
import { finder, type Rule } from '../rule';

const find = finder('agent-node-name');

export const agentNodeName: Rule = {
  id: 'agent-node-name',
  severity: 'error',
  description:
    'Every node-agent container (a DaemonSet or daemonset-mode collector container whose image matches agentImagePatterns) has env K8S_NODE_NAME from fieldRef spec.nodeName.',
  recommendation:
    'Add `env: [{ name: K8S_NODE_NAME, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } }]` so the agent filters scrapes and pods to its own node.',
  check(ctx) {
    const patterns = ctx.options.agentImagePatterns.map((p) => new RegExp(p));
    return ctx.workloads
      .filter(
        (w) =>
          w.resource.kind === 'DaemonSet' ||
          (w.operator && at(w.resource.object, 'spec', 'mode') === 'daemonset'),
      )
      .flatMap((w) =>
        w.containers
          .filter((c) => !c.init)
          .filter((c) => {
            const image = typeof c.object.image === 'string' ? c.object.image : undefined;
            // an operator collector without an image runs the operator's default collector image
            if (image === undefined) return w.operator && c.path === 'spec';
            return patterns.some((p) => p.test(image));
          })
          .filter(
            (c) =>
              !asArray(c.object.env).some(
                (e) =>
                  isObject(e) &&
                  e.name === 'K8S_NODE_NAME' &&
                  at(e, 'valueFrom', 'fieldRef', 'fieldPath') === 'spec.nodeName',
              ),
          )
          .map((c) =>
            find(
              w.resource,
              `${c.path}.env`,
              `agent container '${c.name}' has no K8S_NODE_NAME from spec.nodeName`,
            ),
          ),
      );
  },
};

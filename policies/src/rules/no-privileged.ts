import { at } from '../manifest/resource';
import { finder, type Rule } from '../rule';

const find = finder('no-privileged');

export const noPrivileged: Rule = {
  id: 'no-privileged',
  severity: 'error',
  description: 'No container runs privileged (securityContext.privileged: true).',
  recommendation:
    'Remove `privileged: true`; grant the one capability the process needs instead (and drop ALL others).',
  check(ctx) {
    return ctx.workloads.flatMap((w) =>
      w.containers
        .filter((c) => at(c.object, 'securityContext', 'privileged') === true)
        .map((c) =>
          find(w.resource, `${c.path}.securityContext.privileged`, `container '${c.name}' is privileged`),
        ),
    );
  },
};

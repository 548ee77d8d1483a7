import { hostPathMounts } from '../manifest/workload';
import { finder, type Rule } from '../rule';
import { underAny } from './paths';

const find = finder('hostpath-read-only');

export const hostPathReadOnly: Rule = {
  id: 'hostpath-read-only',
  severity: 'error',
  description:
    'Every hostPath mount is readOnly, except mounts of declared state directories (stateDirectories, default /var/lib/podtail and /var/lib/otelcol).',
  recommendation:
    'Set `readOnly: true` on the volumeMount, or, if the directory holds state the workload must write, declare it in `stateDirectories`.',
  check(ctx) {
    return ctx.workloads.flatMap((w) =>
      hostPathMounts(w)
        .filter((m) => !m.readOnly && !underAny(m.volume.hostPath, ctx.options.stateDirectories))
        .map((m) =>
          find(
            w.resource,
            `${m.path}.readOnly`,
            `container '${m.container.name}' mounts hostPath ${m.volume.hostPath} writable at ${m.mountPath}`,
          ),
        ),
    );
  },
};

import { hostPathMounts, runsAsRoot, type ContainerRef, type Workload } from '../manifest/workload';
import { finder, type Rule } from '../rule';
import { underAny } from './paths';

const find = finder('root-only-for-pod-logs');

/** Whether a container mounts one of the pod-log hostPaths. */
export function mountsPodLogs(w: Workload, c: ContainerRef, podLogPaths: readonly string[]): boolean {
  return hostPathMounts(w).some((m) => m.container === c && underAny(m.volume.hostPath, podLogPaths));
}

export const rootOnlyForPodLogs: Rule = {
  id: 'root-only-for-pod-logs',
  severity: 'error',
  description:
    'A container runs as root (runAsUser 0, or no runAsUser and no runAsNonRoot) only if it mounts a pod-log hostPath (podLogPaths, default /var/log/pods).',
  recommendation:
    'Set `runAsNonRoot: true` and a non-zero `runAsUser` on the container or pod; only the pod-log reader may keep uid 0.',
  check(ctx) {
    return ctx.workloads.flatMap((w) =>
      w.containers
        .filter((c) => runsAsRoot(w, c) && !mountsPodLogs(w, c, ctx.options.podLogPaths))
        .map((c) =>
          find(
            w.resource,
            `${c.path}.securityContext`,
            `container '${c.name}' may run as root but mounts no pod-log hostPath (${ctx.options.podLogPaths.join(', ')})`,
          ),
        ),
    );
  },
};

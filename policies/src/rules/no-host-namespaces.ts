import { finder, type Rule } from '../rule';

const find = finder('no-host-namespaces');
const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

export const noHostNamespaces: Rule = {
  id: 'no-host-namespaces',
  severity: 'error',
  description: "No pod shares the node's network, PID or IPC namespace (hostNetwork, hostPID, hostIPC).",
  recommendation:
    'Remove hostNetwork/hostPID/hostIPC. Reach node-local endpoints through the node IP (status.hostIP) and read host metrics from a read-only / mounted at /hostfs.',
  check(ctx) {
    return ctx.workloads.flatMap((w) =>
      FIELDS.filter((f) => w.podSpec[f] === true).map((f) =>
        find(w.resource, `${w.podPath}.${f}`, `${f} is true`),
      ),
    );
  },
};

import { hostPathVolumes } from '../manifest/workload';
import { finder, type Rule } from '../rule';
import { allowed } from './paths';

const find = finder('hostpath-allow-list');

export const hostPathAllowList: Rule = {
  id: 'hostpath-allow-list',
  severity: 'error',
  description: 'Every hostPath volume is on the allow-list (hostPathAllowList).',
  recommendation:
    'Mount only what the components need; if this path is really needed, add it to `hostPathAllowList` (an entry ending in /** allows a subtree).',
  check(ctx) {
    return ctx.workloads.flatMap((w) =>
      hostPathVolumes(w)
        .filter((v) => !allowed(v.hostPath, ctx.options.hostPathAllowList))
        .map((v) =>
          find(
            w.resource,
            v.path,
            `hostPath ${v.hostPath} (volume '${v.volumeName}') is not on the allow-list`,
          ),
        ),
    );
  },
};

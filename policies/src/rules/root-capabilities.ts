import { asArray, at } from '../manifest/resource';
import { runsAsRoot } from '../manifest/workload';
import { finder, type Finding, type Rule } from '../rule';
import { mountsPodLogs } from './root-only-for-pod-logs';

const find = finder('root-capabilities');

export const rootCapabilities: Rule = {
  id: 'root-capabilities',
  severity: 'error',
  description:
    'A root container that reads pod logs drops ALL capabilities and adds back only rootCapabilities (default DAC_READ_SEARCH).',
  recommendation:
    "Set `capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] }` on the container: reading other users' log files needs nothing more.",
  check(ctx) {
    const out: Finding[] = [];
    for (const w of ctx.workloads) {
      for (const c of w.containers) {
        if (!runsAsRoot(w, c) || !mountsPodLogs(w, c, ctx.options.podLogPaths)) continue;
        const caps = at(c.object, 'securityContext', 'capabilities');
        const drop = asArray(at(caps, 'drop')).map(String);
        const add = asArray(at(caps, 'add')).map(String);
        const extra = add.filter((a) => !ctx.options.rootCapabilities.includes(a.replace(/^CAP_/, '')));
        const problems: string[] = [];
        if (!drop.includes('ALL')) problems.push(`does not drop ALL (drop: ${JSON.stringify(drop)})`);
        if (extra.length > 0)
          problems.push(`adds ${extra.join(', ')} (allowed: ${ctx.options.rootCapabilities.join(', ')})`);
        if (problems.length > 0) {
          out.push(
            find(
              w.resource,
              `${c.path}.securityContext.capabilities`,
              `root container '${c.name}' ${problems.join(' and ')}`,
            ),
          );
        }
      }
    }
    return out;
  },
};

import { at } from '../manifest/resource';
import { finder, type Rule } from '../rule';

const find = finder('resources-set');
const REQUIRED = [
  ['requests', 'cpu'],
  ['requests', 'memory'],
  ['limits', 'memory'],
] as const;

export const resourcesSet: Rule = {
  id: 'resources-set',
  severity: 'error',
  description: 'Every container sets requests.cpu, requests.memory and limits.memory.',
  recommendation:
    'Set resources: requests for scheduling, a memory limit so a leak is OOM-killed in its own cgroup (and size the collector memory_limiter below it).',
  check(ctx) {
    return ctx.workloads.flatMap((w) =>
      w.containers.flatMap((c) => {
        const missing = REQUIRED.filter(([a, b]) => at(c.object, 'resources', a, b) === undefined).map(
          ([a, b]) => `${a}.${b}`,
        );
        return missing.length === 0
          ? []
          : [find(w.resource, `${c.path}.resources`, `container '${c.name}' has no ${missing.join(', ')}`)];
      }),
    );
  },
};

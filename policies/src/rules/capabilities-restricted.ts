import { asArray, at } from '../manifest/resource';
import { runsAsRoot } from '../manifest/workload';
import { finder, type Rule } from '../rule';

const find = finder('capabilities-restricted');

export const capabilitiesRestricted: Rule = {
  id: 'capabilities-restricted',
  severity: 'error',
  description: 'A non-root container adds no Linux capabilities (capabilities.add is empty).',
  recommendation:
    'Remove `capabilities.add`; listen on ports above 1024 instead of NET_BIND_SERVICE, and keep `drop: [ALL]`.',
  check(ctx) {
    return ctx.workloads.flatMap((w) =>
      w.containers
        .filter((c) => !runsAsRoot(w, c))
        .flatMap((c) => {
          const add = asArray(at(c.object, 'securityContext', 'capabilities', 'add')).map(String);
          return add.length === 0
            ? []
            : [
                find(
                  w.resource,
                  `${c.path}.securityContext.capabilities.add`,
                  `container '${c.name}' adds ${add.join(', ')}`,
                ),
              ];
        }),
    );
  },
};

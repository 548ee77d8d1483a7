import { at } from '../manifest/resource';
import { finder, type Rule } from '../rule';

const find = finder('no-privilege-escalation');

export const noPrivilegeEscalation: Rule = {
  id: 'no-privilege-escalation',
  severity: 'error',
  description: 'No container sets allowPrivilegeEscalation: true.',
  recommendation: 'Set `allowPrivilegeEscalation: false` (no setuid binaries can raise privileges then).',
  check(ctx) {
    return ctx.workloads.flatMap((w) =>
      w.containers
        .filter((c) => at(c.object, 'securityContext', 'allowPrivilegeEscalation') === true)
        .map((c) =>
          find(
            w.resource,
            `${c.path}.securityContext.allowPrivilegeEscalation`,
            `container '${c.name}' allows privilege escalation`,
          ),
        ),
    );
  },
};

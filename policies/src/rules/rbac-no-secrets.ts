import { finder, type Rule } from '../rule';
import { policyRules } from './rbac';

const find = finder('rbac-no-secrets');

export const rbacNoSecrets: Rule = {
  id: 'rbac-no-secrets',
  severity: 'error',
  description: 'No Role or ClusterRole grants any verb on secrets.',
  recommendation:
    'Remove `secrets` from the rule; mount the one secret the workload needs as a volume or env var instead of reading it through the API.',
  check(ctx) {
    return ctx.resources
      .flatMap(policyRules)
      .filter((rule) => rule.resources.some((r) => r === 'secrets' || r.startsWith('secrets/')))
      .filter((rule) => rule.apiGroups.length === 0 || rule.apiGroups.some((g) => g === '' || g === '*'))
      .map((rule) =>
        find(
          rule.resource,
          `${rule.path}.resources`,
          `${rule.path} grants ${rule.verbs.join(', ') || '(no verbs)'} on secrets`,
        ),
      );
  },
};

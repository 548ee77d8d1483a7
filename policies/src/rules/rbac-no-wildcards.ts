import { finder, type Rule } from '../rule';
import { policyRules } from './rbac';

const find = finder('rbac-no-wildcards');

export const rbacNoWildcards: Rule = {
  id: 'rbac-no-wildcards',
  severity: 'error',
  description: "No Role or ClusterRole rule uses '*' in apiGroups, resources, verbs or nonResourceURLs.",
  recommendation:
    'List the exact API groups, resources and verbs the component needs (usually get, list, watch).',
  check(ctx) {
    return ctx.resources.flatMap(policyRules).flatMap((rule) => {
      const fields = (['apiGroups', 'resources', 'verbs', 'nonResourceURLs'] as const).filter((f) =>
        rule[f].some((v) => v === '*' || v.endsWith('/*')),
      );
      return fields.length === 0
        ? []
        : [
            find(
              rule.resource,
              `${rule.path}.${fields[0]}`,
              `wildcard in ${fields.join(', ')} of ${rule.path}`,
            ),
          ];
    });
  },
};

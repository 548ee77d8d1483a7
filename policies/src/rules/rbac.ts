import { asArray, asString, at, type Resource } from '../manifest/resource';

export const ROLE_KINDS = new Set(['Role', 'ClusterRole']);

/** One RBAC policy rule of a Role/ClusterRole with its location. */
export interface PolicyRuleRef {
  readonly resource: Resource;
  readonly path: string;
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly nonResourceURLs: string[];
  readonly resourceNames: string[];
}

export function policyRules(r: Resource): PolicyRuleRef[] {
  if (!ROLE_KINDS.has(r.kind) || !r.apiVersion.startsWith('rbac.authorization.k8s.io/')) return [];
  return asArray(at(r.object, 'rules')).map((rule, i) => ({
    resource: r,
    path: `rules[${i}]`,
    apiGroups: asArray(at(rule, 'apiGroups')).map(String),
    resources: asArray(at(rule, 'resources')).map(String),
    verbs: asArray(at(rule, 'verbs')).map(String),
    nonResourceURLs: asArray(at(rule, 'nonResourceURLs')).map(String),
    resourceNames: asArray(at(rule, 'resourceNames')).map(String),
  }));
}

export function roleRefName(r: Resource): string | undefined {
  return asString(at(r.object, 'roleRef', 'name'));
}

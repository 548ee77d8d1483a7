import { asString, at } from '../manifest/resource';
import { finder, type Rule } from '../rule';

const find = finder('rbac-no-admin-binding');
const ADMIN_ROLES = new Set(['cluster-admin', 'admin', 'edit']);

export const rbacNoAdminBinding: Rule = {
  id: 'rbac-no-admin-binding',
  severity: 'error',
  description:
    'No RoleBinding or ClusterRoleBinding grants the built-in cluster-admin, admin or edit ClusterRoles.',
  recommendation:
    'Bind a dedicated Role/ClusterRole listing only the resources and verbs the component needs.',
  check(ctx) {
    return ctx.resources
      .filter(
        (r) =>
          (r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding') && r.apiVersion.startsWith('rbac.'),
      )
      .filter(
        (r) =>
          at(r.object, 'roleRef', 'kind') === 'ClusterRole' &&
          ADMIN_ROLES.has(asString(at(r.object, 'roleRef', 'name')) ?? ''),
      )
      .map((r) =>
        find(
          r,
          'roleRef.name',
          `binds the built-in ClusterRole '${String(at(r.object, 'roleRef', 'name'))}'`,
        ),
      );
  },
};

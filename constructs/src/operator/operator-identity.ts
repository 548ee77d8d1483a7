import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import type { IdentityModel } from '../model';

/**
 * ServiceAccount and RBAC for one identity of the operator rendering. The operator creates a
 * ServiceAccount only when none is named and never creates the RBAC the components need
 * (k8sattributes, k8s_cluster, kubeletstats, the Target Allocator's discovery), so the stack
 * renders both and names the ServiceAccount in the custom resource.
 */
export class OperatorIdentity extends Construct {
  constructor(
    scope: Construct,
    id: string,
    identity: IdentityModel,
    namespace: string,
    labels: Record<string, string>,
  ) {
    super(scope, id);
    const sa = identity.serviceAccountName;
    new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: sa, namespace, labels },
    });
    const subjects = [{ kind: 'ServiceAccount', name: sa, namespace }];
    if (identity.clusterRules.length > 0) {
      // Cluster-scoped names are shared by every stack: prefix the namespace.
      const name = `${namespace}-${sa}`;
      const role = new ApiObject(this, 'ClusterRole', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels },
        rules: identity.clusterRules.map((r) => ({ ...r })),
      });
      const binding = new ApiObject(this, 'ClusterRoleBinding', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects,
      });
      // A chart namespace would be stamped on these cluster-scoped objects: remove it.
      for (const o of [role, binding]) {
        if (o.metadata.namespace !== undefined) o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    }
    if (identity.namespaceRules.length > 0) {
      new ApiObject(this, 'Role', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: sa, namespace, labels },
        rules: identity.namespaceRules.map((r) => ({ ...r })),
      });
      new ApiObject(this, 'RoleBinding', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: sa, namespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
        subjects,
      });
    }
  }
}

import { finder, type Rule } from '../rule';

const find = finder('cluster-scoped-no-namespace');

/** Kinds that are cluster-scoped (built-in and common add-ons). */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'FlowSchema',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'IngressClass',
  'RuntimeClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'PodSecurityPolicy',
  'CertificateSigningRequest',
  'ClusterIssuer',
  'VolumeSnapshotClass',
]);

export const clusterScopedNoNamespace: Rule = {
  id: 'cluster-scoped-no-namespace',
  severity: 'error',
  description:
    'Cluster-scoped objects (ClusterRole, ClusterRoleBinding, Namespace, CRDs, ...) carry no metadata.namespace.',
  recommendation:
    'Remove metadata.namespace: the API server ignores it, and tools that key objects by namespace (GitOps diffs, pruning) get confused. In cdk8s, a Chart namespace is stamped onto every object: create cluster-scoped ones in a chart without a namespace.',
  check(ctx) {
    return ctx.resources
      .filter((r) => CLUSTER_SCOPED_KINDS.has(r.kind) && r.namespace !== undefined && r.namespace !== '')
      .map((r) =>
        find(r, 'metadata.namespace', `${r.kind} is cluster-scoped but has namespace '${r.namespace}'`),
      );
  },
};

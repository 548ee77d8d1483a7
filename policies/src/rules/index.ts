import type { Rule } from '../rule';
import { agentNodeName } from './agent-node-name';
import { capabilitiesRestricted } from './capabilities-restricted';
import { clusterReceiverSingleInstance } from './cluster-receiver-single-instance';
import { clusterScopedNoNamespace } from './cluster-scoped-no-namespace';
import { collectorMemoryLimiterFirst } from './collector-memory-limiter-first';
import { collectorNoInlineCredentials } from './collector-no-inline-credentials';
import { gatewayTargetAllocator } from './gateway-target-allocator';
import { hostPathAllowList } from './hostpath-allow-list';
import { hostPathReadOnly } from './hostpath-read-only';
import { imagePinned } from './image-pinned';
import { noHostNamespaces } from './no-host-namespaces';
import { noPrivilegeEscalation } from './no-privilege-escalation';
import { noPrivileged } from './no-privileged';
import { rbacNoAdminBinding } from './rbac-no-admin-binding';
import { rbacNoSecrets } from './rbac-no-secrets';
import { rbacNoWildcards } from './rbac-no-wildcards';
import { resourcesSet } from './resources-set';
import { rootCapabilities } from './root-capabilities';
import { rootOnlyForPodLogs } from './root-only-for-pod-logs';

export {
  agentNodeName,
  capabilitiesRestricted,
  clusterReceiverSingleInstance,
  clusterScopedNoNamespace,
  collectorMemoryLimiterFirst,
  collectorNoInlineCredentials,
  gatewayTargetAllocator,
  hostPathAllowList,
  hostPathReadOnly,
  imagePinned,
  noHostNamespaces,
  noPrivilegeEscalation,
  noPrivileged,
  rbacNoAdminBinding,
  rbacNoSecrets,
  rbacNoWildcards,
  resourcesSet,
  rootCapabilities,
  rootOnlyForPodLogs,
};
export { unpinnedReason } from './image-pinned';
export { isReference } from './collector-no-inline-credentials';

/** Every built-in rule, in report order. */
export const RULES: readonly Rule[] = [
  noPrivileged,
  noPrivilegeEscalation,
  noHostNamespaces,
  rootOnlyForPodLogs,
  rootCapabilities,
  capabilitiesRestricted,
  hostPathReadOnly,
  hostPathAllowList,
  agentNodeName,
  rbacNoWildcards,
  rbacNoSecrets,
  rbacNoAdminBinding,
  clusterScopedNoNamespace,
  imagePinned,
  resourcesSet,
  collectorNoInlineCredentials,
  collectorMemoryLimiterFirst,
  gatewayTargetAllocator,
  clusterReceiverSingleInstance,
];

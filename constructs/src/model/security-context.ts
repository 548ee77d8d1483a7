import type { KubeSecurityContext } from './kube-types';

/** The uid the Target Allocator runs as (its image's non-root user). */
export const TARGET_ALLOCATOR_UID = 65532;

/**
 * The profile of every container that needs no host access: a fixed non-root uid, read-only
 * root filesystem, no privilege escalation, every capability dropped, the runtime's seccomp
 * profile.
 */
export function nonRootSecurityContext(uid: number): KubeSecurityContext {
  return {
    runAsUser: uid,
    runAsGroup: uid,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The profile of a container that reads root-owned files on the host (pod logs under
 * `/var/log/pods` are root-owned, 0640) or writes host state: uid 0, but with every capability
 * dropped except `DAC_READ_SEARCH` when it reads, so root's file-permission bypass for reading is
 * all it keeps; read-only root filesystem, no privilege escalation.
 */
export function hostReaderSecurityContext(readsRootOwnedFiles: boolean): KubeSecurityContext {
  return {
    runAsUser: 0,
    runAsGroup: 0,
    runAsNonRoot: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'], ...(readsRootOwnedFiles ? { add: ['DAC_READ_SEARCH'] } : {}) },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

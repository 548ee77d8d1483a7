/** The labels kubelet (through the CRI) puts on every containerd container of a pod. */
export const K8S_LABELS = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
} as const;

/** Pod identity read from a container's labels; fields are absent when a label is. */
export interface PodIdentity {
  readonly podName?: string;
  readonly podNamespace?: string;
  readonly podUid?: string;
  readonly containerName?: string;
}

export function podIdentity(labels: Readonly<Record<string, string>>): PodIdentity {
  const pick = (k: string): string | undefined => (labels[k] ? labels[k] : undefined);
  return {
    podName: pick(K8S_LABELS.podName),
    podNamespace: pick(K8S_LABELS.podNamespace),
    podUid: pick(K8S_LABELS.podUid),
    containerName: pick(K8S_LABELS.containerName),
  };
}

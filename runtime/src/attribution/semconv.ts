/** Resource attribute keys podtail sets (OpenTelemetry semantic conventions). */
export const ATTR = {
  namespace: 'k8s.namespace.name',
  podName: 'k8s.pod.name',
  podUid: 'k8s.pod.uid',
  containerName: 'k8s.container.name',
  restartCount: 'k8s.container.restart_count',
  nodeName: 'k8s.node.name',
  containerId: 'container.id',
  imageName: 'container.image.name',
  imageTags: 'container.image.tags',
  rank: 'gen_ai.training.rank',
  jobId: 'gen_ai.training.job_id',
  labelPrefix: 'k8s.pod.label.',
  annotationPrefix: 'k8s.pod.annotation.',
} as const;

/** `containerd://abc` -> `abc`. */
export function stripRuntimePrefix(id: string): string {
  const i = id.indexOf('://');
  return i >= 0 ? id.slice(i + 3) : id;
}

/** The image name without tag or digest: `docker.io/library/busybox:1.36` -> `docker.io/library/busybox`. */
export function imageNameOf(image: string): { name: string; tag?: string } {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  if (colon > slash) return { name: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) };
  return { name: noDigest };
}

/** Whether `key` is selected by include/exclude lists (exact, or prefix with a trailing `*`). */
export function selects(key: string, include: readonly string[], exclude: readonly string[]): boolean {
  const hit = (p: string) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p);
  return include.some(hit) && !exclude.some(hit);
}

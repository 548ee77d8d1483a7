/**
 * The seam to the containerd watcher: when the pod informer is down or has not seen a pod yet,
 * attribution asks this for the container's id and image. The containerd extension implements
 * it and is passed to `createAttributionExtension` (see `extensions/index.ts`).
 */
export interface ContainerLookup {
  lookup(query: {
    readonly podUid: string;
    readonly namespace: string;
    readonly podName: string;
    readonly containerName: string;
    readonly restartCount: number;
  }): { readonly containerId?: string; readonly imageName?: string } | undefined;
}

import { containerdLookupFor } from '../containerd/lookup';
import type { PodtailContext } from '../pipeline/extension';
import type { ContainerLookup } from './container-lookup';
import { imageNameOf } from './semconv';

/**
 * The containerd watcher's store as attribution's {@link ContainerLookup}, resolved lazily per
 * lookup (the containerd extension may be created after attribution, or not at all).
 */
export function containerdContainerLookup(ctx: PodtailContext): ContainerLookup {
  return {
    lookup(q) {
      const c = containerdLookupFor(ctx)?.byPodContainer(q.podUid, q.containerName);
      if (!c) return undefined;
      return { containerId: c.containerId, imageName: c.image ? imageNameOf(c.image).name : undefined };
    },
  };
}

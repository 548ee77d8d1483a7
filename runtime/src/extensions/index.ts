import type { PodtailContext, PodtailExtension } from '../pipeline/extension';
import { containerdContainerLookup, createAttributionExtension } from '../attribution';
import { createStructuredExtension } from '../structured';
import { createDataloaderExtension } from '../dataloader';
import { createLimitsExtension } from '../limits';
import { containerdExtension } from '../containerd/extension';

/**
 * Every extension podtail runs, in pipeline order, built from the config. Each concern adds
 * its factory here; a factory returns `undefined` when its config section switches it off.
 */
export function createExtensions(_ctx: PodtailContext): PodtailExtension[] {
  const factories: Array<(ctx: PodtailContext) => PodtailExtension | undefined> = [
    // containerd watch first: its store is synced before attribution looks container ids up
    containerdExtension,
    // attribution: path + pod metadata (informer), rank/job; container.id falls back to containerd
    (ctx) => createAttributionExtension(ctx, { containerLookup: containerdContainerLookup(ctx) }),
    createStructuredExtension,
    createDataloaderExtension,
    createLimitsExtension,
  ];
  return factories.map((f) => f(_ctx)).filter((e): e is PodtailExtension => e !== undefined);
}

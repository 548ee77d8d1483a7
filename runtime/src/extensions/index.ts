import type { PodtailContext, PodtailExtension } from '../pipeline/extension';

/**
 * Every extension podtail runs, in pipeline order, built from the config. Each concern adds
 * its factory here; a factory returns `undefined` when its config section switches it off.
 */
export function createExtensions(_ctx: PodtailContext): PodtailExtension[] {
  const factories: Array<(ctx: PodtailContext) => PodtailExtension | undefined> = [];
  return factories.map((f) => f(_ctx)).filter((e): e is PodtailExtension => e !== undefined);
}

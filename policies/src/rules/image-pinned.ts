import { finder, type Rule } from '../rule';

const find = finder('image-pinned');

/** Why an image reference is not pinned, or undefined when it is. */
export function unpinnedReason(image: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const nameAndTag = image.slice(lastSlash + 1);
  const colon = nameAndTag.indexOf(':');
  if (colon < 0) return 'has no tag (it means latest)';
  const tag = nameAndTag.slice(colon + 1);
  if (tag === 'latest' || tag === '') return `uses tag '${tag || '(empty)'}'`;
  return undefined;
}

export const imagePinned: Rule = {
  id: 'image-pinned',
  severity: 'error',
  description: 'Every container image has a tag other than latest, or a digest.',
  recommendation: 'Pin the image to a released version tag (e.g. `:0.115.1`) or a digest (`@sha256:...`).',
  check(ctx) {
    return ctx.workloads.flatMap((w) =>
      w.containers.flatMap((c) => {
        const image = c.object.image;
        if (typeof image !== 'string') {
          // operator resources may leave the image to the operator's pinned default
          return w.operator
            ? []
            : [find(w.resource, `${c.path}.image`, `container '${c.name}' has no image`)];
        }
        const why = unpinnedReason(image);
        return why
          ? [find(w.resource, `${c.path}.image`, `container '${c.name}' image ${image} ${why}`)]
          : [];
      }),
    );
  },
};

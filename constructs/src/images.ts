import { podtailVersion } from './podtail/podtail-version';

/** Pinned collector image (the OpenTelemetry Operator CRDs in use are v0.158.0). */
export const COLLECTOR_IMAGE = 'otel/opentelemetry-collector-contrib:0.158.0';
/** Pinned Prometheus Target Allocator image. */
export const TARGET_ALLOCATOR_IMAGE =
  'ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:0.158.0';
/** podtail's image repository; the tag is the podtail package version. */
export const PODTAIL_IMAGE_REPOSITORY = 'ghcr.io/otel-tiers/podtail';

/** `ghcr.io/otel-tiers/podtail:<podtail package version>`. */
export function defaultPodtailImage(): string {
  return `${PODTAIL_IMAGE_REPOSITORY}:${podtailVersion()}`;
}

const REPOSITORY = /^[a-z0-9]+([._-]+[a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/i;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Why `image` is not a pinned image reference, or `undefined` when it is: pinned means a
 * `sha256:` digest of 64 lowercase hex digits (`repo@sha256:...`, with or without a tag), or a
 * version tag other than `latest`.
 */
export function imagePinProblem(image: string): string | undefined {
  const fix = `use a version tag (e.g. ${COLLECTOR_IMAGE}) or a digest (@sha256: and 64 hex digits)`;
  if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) {
    return `image '${image}' is not an image reference; ${fix}`;
  }
  const at = image.indexOf('@');
  const nameAndTag = at >= 0 ? image.slice(0, at) : image;
  if (at >= 0) {
    const digest = image.slice(at + 1);
    if (!DIGEST.test(digest)) {
      return `image '${image}' has digest '${digest}', which is not 'sha256:' and 64 lowercase hex digits; ${fix}`;
    }
  }
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > slash;
  const repository = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (!REPOSITORY.test(repository))
    return `image '${image}' has no valid repository name '${repository}'; ${fix}`;
  if (tag !== undefined && !TAG.test(tag)) return `image '${image}' has an invalid tag '${tag}'; ${fix}`;
  if (at >= 0) return undefined;
  if (!tag || tag === 'latest') return `image '${image}' is not pinned; ${fix}`;
  return undefined;
}

/** Throws unless `image` is pinned by a tag other than `latest` or by a valid sha256 digest. */
export function assertPinned(owner: string, prop: string, image: string): void {
  const problem = imagePinProblem(image);
  if (problem) throw new Error(`${owner}: ${prop} ${problem.replace(/^image /, '')}`);
}

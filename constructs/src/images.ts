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

/** Throws unless `image` is pinned by a tag other than `latest` or by a digest. */
export function assertPinned(owner: string, prop: string, image: string): void {
  const digest = /@sha256:[a-f0-9]{64}$/.test(image);
  const lastSegment = image.split('/').pop() ?? image;
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  if (!digest && (!tag || tag === 'latest')) {
    throw new Error(
      `${owner}: ${prop} '${image}' is not pinned; use a version tag (e.g. ${COLLECTOR_IMAGE}) or a digest (@sha256:...)`,
    );
  }
}

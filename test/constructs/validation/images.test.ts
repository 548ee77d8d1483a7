import { assertPinned, imagePinProblem } from '../../../constructs/src';

const HEX = 'c0ffee00'.repeat(8);

describe('image pinning', () => {
  test.each([
    'otel/opentelemetry-collector-contrib:0.158.0',
    `otel/opentelemetry-collector-contrib@sha256:${HEX}`,
    `otel/opentelemetry-collector-contrib:0.158.0@sha256:${HEX}`,
    'registry.example:5000/team/collector:v1.2.3',
    `registry.example:5000/collector@sha256:${HEX}`,
  ])('%s is pinned', (image) => {
    expect(imagePinProblem(image)).toBeUndefined();
    expect(() => assertPinned('AgentTier a', 'image', image)).not.toThrow();
  });

  test.each([
    ['otel/x@sha256:abc', /digest 'sha256:abc', which is not 'sha256:' and 64 lowercase hex digits/],
    [`otel/x@sha256:${HEX.toUpperCase()}`, /is not 'sha256:' and 64 lowercase hex digits/],
    [`otel/x@sha512:${HEX}${HEX}`, /digest 'sha512:/],
    [`otel/x@sha256:${HEX}0`, /64 lowercase hex digits/],
    ['otel/x', /is not pinned/],
    ['otel/x:latest', /is not pinned/],
    ['registry.example:5000/x', /is not pinned/],
    ['otel/x:', /invalid tag ''/],
    ['otel/x:bad tag', /is not an image reference/],
    ['', /is not an image reference/],
    [`@sha256:${HEX}`, /no valid repository name ''/],
  ])('%s is refused', (image, why) => {
    expect(imagePinProblem(image)).toMatch(why);
    expect(() => assertPinned("AgentTier 'a'", 'targetAllocator.image', image)).toThrow(
      new RegExp(`^AgentTier 'a': targetAllocator.image '${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' `),
    );
  });
});

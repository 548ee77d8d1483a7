/**
 * The failure kinds podtail reports. Each is a `kind` label value of the
 * `podtail_failures_total` counter, an alert in the construct library's rules, a section of
 * RUNBOOK.md and a test. The construct library generates its alert rules from this list.
 */
export const FAILURE_KINDS = [
  {
    kind: 'rotation_stalled',
    summary: 'A rotated log file could not be read to its end within the rotation wait',
  },
  {
    kind: 'backpressure_drop',
    summary: 'Records were dropped on purpose by an egress limit or over-size policy',
  },
  {
    kind: 'cursor_write_failed',
    summary: 'A cursor could not be persisted; progress is not being saved',
  },
  {
    kind: 'watch',
    summary: 'A watch (Kubernetes informer or containerd event stream) is down or forbidden',
  },
  {
    kind: 'fingerprint_cardinality',
    summary: 'More files are tracked than the open-file or fingerprint cap allows',
  },
  {
    kind: 'attribution_cardinality',
    summary: 'The pod or container metadata cache is over its bound',
  },
  {
    kind: 'rate_limit_cardinality',
    summary: 'More namespaces have egress buckets than the bucket cap allows',
  },
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number]['kind'];

/** Name of the Prometheus counter podtail increments once per failure, labelled by `kind`. */
export const FAILURE_METRIC = 'podtail_failures_total';

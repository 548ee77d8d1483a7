/**
 * Names of podtail's self-telemetry metrics, served on `/metrics`. The construct library builds
 * its alert rules and dashboards from these, so they are part of the contract: rename here and
 * both halves follow.
 */
export const PODTAIL_METRICS = {
  /** Counter, label `kind` (a FailureKind): one per failure. */
  failures: 'podtail_failures_total',
  /** Counter: records read from log files. */
  recordsRead: 'podtail_records_read_total',
  /** Counter: bytes read from log files. */
  bytesRead: 'podtail_bytes_read_total',
  /** Counter: records the exporter had acknowledged. */
  recordsExported: 'podtail_records_exported_total',
  /** Counter: payload bytes the exporter had acknowledged (request bodies as sent, or bytes written). */
  bytesExported: 'podtail_bytes_exported_total',
  /** Counter: export requests that failed (label `reason`: status code or error class). */
  exportFailures: 'podtail_export_failures_total',
  /** Counter, labels `namespace`, `reason`: records dropped on purpose (egress limit, over-size). */
  recordsDropped: 'podtail_records_dropped_total',
  /** Counter: log lines that did not parse (passed on as raw text). */
  malformedLines: 'podtail_malformed_lines_total',
  /** Gauge, labels `namespace`, `pod`, `container`: bytes behind the end of each tailed file. */
  lagBytes: 'podtail_lag_bytes',
  /** Gauge: files held open. */
  openFiles: 'podtail_open_files',
  /** Gauge: bytes read but not yet acknowledged by the exporter. */
  inFlightBytes: 'podtail_inflight_bytes',
  /** Gauge, label `component`: 1 while that part of podtail cannot do its job fully. */
  degraded: 'podtail_degraded',
} as const;

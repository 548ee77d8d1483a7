/**
 * The record that flows through podtail's pipeline: the fields of an OTLP LogRecord plus its
 * resource, kept flat (semantic-convention keys) until the exporter encodes them.
 */
export type AttributeValue = string | number | boolean;

/** A structured body (a JSON object from the log line), or the plain text of the line. */
export type RecordBody = string | { readonly [key: string]: unknown };

export interface PodtailRecord {
  /** Nanoseconds since the epoch, UTC, as a decimal string (exact to the nanosecond). */
  timeUnixNano: string;
  /** When podtail read the line, nanoseconds since the epoch as a decimal string. */
  observedTimeUnixNano: string;
  severityText?: string;
  severityNumber?: number;
  body: RecordBody;
  /** Record attributes: `log.iostream`, `log.file.path`, ... */
  attributes: Record<string, AttributeValue>;
  /** Resource attributes: `k8s.namespace.name`, `k8s.pod.name`, `k8s.pod.uid`, ... */
  resource: Record<string, AttributeValue>;
}

/** Where a record came from, as known from the log file's path alone. */
export interface RecordOrigin {
  readonly path: string;
  readonly namespace: string;
  readonly podName: string;
  readonly podUid: string;
  readonly containerName: string;
  readonly restartCount: number;
}

/**
 * A stage between parsing and export (attribution, structured bodies, metric extraction,
 * egress limits). `process` returns the record, changed in place or not, or `null` to drop it
 * on purpose; a stage that drops counts the drop itself. A dropped record's cursor still
 * moves: dropping is a decision, not a loss.
 */
export interface RecordProcessor {
  readonly name: string;
  process(record: PodtailRecord, origin: RecordOrigin): PodtailRecord | null;
  /**
   * True when `process` never changes `record.resource` in place (it may replace it with
   * another object). When every processor says so, the records of one file share one resource
   * object instead of a copy each; otherwise each record gets its own copy to change.
   */
  readonly keepsResource?: boolean;
  /**
   * True when `process` never changes `record.attributes` in place (it may replace them). When
   * every processor says so, the records of one file and stream share one attributes object.
   */
  readonly keepsAttributes?: boolean;
  /** Called once when podtail stops. */
  close?(): Promise<void> | void;
}

/**
 * Records that come from no log file (container lifecycle, evictions, drop summaries) enter
 * the export queue through an emitter. They have no cursor; they are exported with the next
 * batch and retried like any other record while podtail runs.
 */
export interface RecordEmitter {
  emit(record: PodtailRecord): void;
}

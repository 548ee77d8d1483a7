import type { PodtailRecord } from '../pipeline/record';

/** A record the receiver refused on its own (after splitting), dropped and counted. */
export interface DroppedRecord {
  readonly record: PodtailRecord;
  /** Why, e.g. `HTTP 413: ...`. */
  readonly reason: string;
}

/** What became of an export request. */
export type ExportOutcome =
  | {
      readonly kind: 'acked';
      /** Payload bytes the receiver acknowledged (as sent on the wire). */
      readonly bytes?: number;
      /** Records refused one by one (HTTP 400/413 down to a single record); the rest was acked. */
      readonly dropped?: readonly DroppedRecord[];
      /** Records the receiver reported as rejected in an OTLP `partial_success`. */
      readonly partialRejected?: number;
      /** The receiver's `partial_success.error_message`, if any. */
      readonly partialMessage?: string;
    }
  /** The receiver refused the whole batch as invalid (not retryable); it is dropped and counted. */
  | { readonly kind: 'rejected'; readonly reason: string };

/** Observers the engine passes to exporters for self-telemetry. */
export interface ExportObserver {
  /**
   * An attempt failed and will be retried; `reason` is a status code or an error class,
   * `hint` says what it means and how to fix it.
   */
  attemptFailed(reason: string, hint?: string): void;
}

/**
 * Sends records somewhere. `exportLogs` retries retryable failures until it succeeds or
 * `signal` aborts (then it rejects with the abort reason): a resolved promise is an
 * acknowledgement, the only thing that lets cursors move.
 */
export interface Exporter {
  exportLogs(records: readonly PodtailRecord[], signal: AbortSignal): Promise<ExportOutcome>;
  exportMetrics(request: { resourceMetrics: unknown[] }, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** A record as a flat JSON object (the `file` and `stdout` exporters' line format). */
export function recordToJson(r: PodtailRecord): string {
  return JSON.stringify(r);
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason ?? new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

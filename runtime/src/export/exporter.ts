import type { PodtailRecord } from '../pipeline/record';

/** What became of an export request. */
export type ExportOutcome =
  | { readonly kind: 'acked' }
  /** The receiver refused the data as invalid (not retryable); it is dropped and counted. */
  | { readonly kind: 'rejected'; readonly reason: string };

/** Observers the engine passes to exporters for self-telemetry. */
export interface ExportObserver {
  /** An attempt failed; `reason` is a status code or an error class. */
  attemptFailed(reason: string): void;
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

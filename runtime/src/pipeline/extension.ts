import type { Registry } from 'prom-client';
import type { FailureKind } from '../config/failure-kinds';
import type { PodtailConfig } from '../config/schema';
import type { RecordEmitter, RecordProcessor } from './record';

/** podtail's own log lines (JSON on stderr). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What the engine hands every extension. */
export interface PodtailContext {
  readonly config: PodtailConfig;
  /** Out-of-band records (lifecycle, evictions, drop summaries) into the export queue. */
  readonly emitter: RecordEmitter;
  /** Self-telemetry registry served on `/metrics`; extensions register their own metrics here. */
  readonly registry: Registry;
  /** Increments `podtail_failures_total{kind}`. */
  failure(kind: FailureKind, count?: number): void;
  /**
   * Exports OTLP metrics (an ExportMetricsServiceRequest in OTLP/JSON form) through the
   * configured exporter: `/v1/metrics` for otlphttp, a `{"resourceMetrics": ...}` line for
   * file and stdout. Resolves when acknowledged; rejects when the exporter gives up.
   */
  exportMetrics(request: { resourceMetrics: unknown[] }): Promise<void>;
  /** Resolves a host path against `hostRoot`. */
  hostPath(path: string): string;
  readonly log: Logger;
}

/**
 * A part of podtail beyond tailing (pod metadata, containerd watch, limits, ...). The engine
 * starts every extension before it reads the first line and stops them after the last export.
 * Its processors run in order between parsing and export.
 */
export interface PodtailExtension {
  readonly name: string;
  readonly processors?: readonly RecordProcessor[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** `false` while the extension cannot do its job; `/readyz` reports it (podtail keeps shipping). */
  ready?(): boolean;
}

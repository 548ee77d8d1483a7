import type { KubeResources } from '../model/kube-types';
import { parseProps } from '../validation/prop-errors';
import { filelogLogsOptionsSchema, podtailLogsOptionsSchema } from './logs-source-schema';
import type { PodtailSettings } from './podtail-sidecar';

/** Options of `LogsSource.podtail`. */
export interface PodtailLogsOptions {
  /** podtail image. @default ghcr.io/otel-tiers/podtail:<podtail package version> */
  readonly image?: string;
  /** @default requests 50m / 128Mi, limits 500m / 256Mi */
  readonly resources?: KubeResources;
  /** podtail config sections (source, cursors, kubernetes, containerd, training, structured, dataloader, limits, server, exporter tuning). */
  readonly settings?: PodtailSettings;
  /** Watch containerd (mounts its socket read-only). @default true */
  readonly containerd?: boolean;
  /** Host path of the containerd socket. @default /run/containerd/containerd.sock */
  readonly containerdSocket?: string;
}

/** Options of `LogsSource.filelog`. */
export interface FilelogLogsOptions {
  /** Extra globs never to read. @default [] */
  readonly exclude?: readonly string[];
  /** Where a file without a checkpoint starts. @default 'end' */
  readonly startAt?: 'beginning' | 'end';
  /** Host directory for the `file_storage` checkpoints. @default /var/lib/otelcol/file_storage */
  readonly checkpointDir?: string;
}

/** How the agent collects pod logs: podtail as a sidecar, upstream `filelog`, or not at all. */
export class LogsSource {
  /** podtail beside the agent collector, sending OTLP/HTTP to it on localhost. */
  static podtail(options: PodtailLogsOptions = {}): LogsSource {
    parseProps('LogsSource.podtail()', 'options', podtailLogsOptionsSchema, options);
    return new LogsSource('podtail', options, undefined);
  }
  /** The collector's `filelog` receiver with the container parser and `file_storage` checkpoints. */
  static filelog(options: FilelogLogsOptions = {}): LogsSource {
    parseProps('LogsSource.filelog()', 'options', filelogLogsOptionsSchema, options);
    return new LogsSource('filelog', undefined, options);
  }
  /** No pod logs on this agent. */
  static none(): LogsSource {
    return new LogsSource('none', undefined, undefined);
  }
  private constructor(
    readonly kind: 'podtail' | 'filelog' | 'none',
    readonly podtailOptions: PodtailLogsOptions | undefined,
    readonly filelogOptions: FilelogLogsOptions | undefined,
  ) {}
}

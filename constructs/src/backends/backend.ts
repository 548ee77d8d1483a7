import { CollectorComponent, type Signal } from '../model/component';
import { Exporters, type SecretRef } from '../components/exporters';
import { parseProps } from '../validation/prop-errors';
import { instanceLike } from '../validation/prop-schemas';
import {
  backendName,
  backendOptionsSchema,
  otlpBackendOptionsSchema,
  otlpHttpBackendOptionsSchema,
} from './backend-options-schema';
import type { z } from 'zod';

/** Validates a factory's name and options; errors read `Backend.otlp('name'): options.x = ...`. */
function check(factory: string, name: unknown, options: unknown, schema: z.ZodType): void {
  const owner = `Backend.${factory}(${describeName(name)})`;
  parseProps(owner, 'name', backendName, name);
  parseProps(owner, 'options', schema, options);
}

function describeName(name: unknown): string {
  return typeof name === 'string' ? `'${name}'` : String(name);
}

/** Options shared by every backend. */
export interface BackendOptions {
  /** Signals sent to this backend. @default ['logs', 'metrics', 'traces'] */
  readonly signals?: readonly Signal[];
  /**
   * An OTTL condition on the resource (routing connector `condition`, context `resource`):
   * only matching data goes to this backend. Without one, the backend gets everything.
   */
  readonly when?: string;
  /** Headers whose values come from Secret keys (API keys, tokens): never inline. */
  readonly headersFromSecrets?: Readonly<Record<string, SecretRef>>;
  /** Plain-text connection (no TLS). @default false */
  readonly insecure?: boolean;
  /** @default 'gzip' */
  readonly compression?: 'gzip' | 'zstd' | 'snappy' | 'none';
  /** Sending queue size in batches. @default 5000 */
  readonly queueSize?: number;
  /** Longest time a batch is retried before it is dropped. @default '300s' */
  readonly maxElapsedTime?: string;
}

/** OTLP/gRPC backend options. */
export interface OtlpBackendOptions extends BackendOptions {
  /** host:port, e.g. `tempo.tracing.svc:4317`. */
  readonly endpoint: string;
}

/** OTLP/HTTP backend options. */
export interface OtlpHttpBackendOptions extends BackendOptions {
  /** Base URL, e.g. `https://otlp.vendor.example`. */
  readonly endpoint: string;
}

/** A destination the gateway exports to: one exporter with queue and retry, its own pipelines. */
export class Backend {
  /** An OTLP/gRPC backend. */
  static otlp(name: string, options: OtlpBackendOptions): Backend {
    check('otlp', name, options, otlpBackendOptionsSchema);
    return new Backend(name, options, () =>
      Exporters.otlp({
        name,
        endpoint: options.endpoint,
        insecure: options.insecure,
        compression: options.compression,
        headersFromSecrets: { ...(options.headersFromSecrets ?? {}) },
        sendingQueue: { queueSize: options.queueSize },
        retryOnFailure: { maxElapsedTime: options.maxElapsedTime },
      }),
    );
  }

  /** An OTLP/HTTP backend. */
  static otlpHttp(name: string, options: OtlpHttpBackendOptions): Backend {
    check('otlpHttp', name, options, otlpHttpBackendOptionsSchema);
    return new Backend(name, options, () =>
      Exporters.otlphttp({
        name,
        endpoint: options.endpoint,
        insecure: options.insecure,
        compression: options.compression,
        headersFromSecrets: { ...(options.headersFromSecrets ?? {}) },
        sendingQueue: { queueSize: options.queueSize },
        retryOnFailure: { maxElapsedTime: options.maxElapsedTime },
      }),
    );
  }

  /** Any exporter built by hand (it must still be a collector exporter). */
  static custom(name: string, exporter: CollectorComponent, options: BackendOptions = {}): Backend {
    const owner = `Backend.custom(${describeName(name)})`;
    parseProps(
      owner,
      'exporter',
      instanceLike<CollectorComponent>(
        "a CollectorComponent exporter, e.g. Exporters.otlp({...}) or new CollectorComponent({ kind: 'exporter', ... })",
        (v) => v instanceof CollectorComponent,
      ),
      exporter,
    );
    check('custom', name, options, backendOptionsSchema);
    if (exporter.kind !== 'exporter') {
      throw new Error(
        `Backend.custom('${name}') was given ${exporter.kind} '${exporter.id}'; pass an exporter`,
      );
    }
    return new Backend(name, options, () => exporter);
  }

  readonly signals: readonly Signal[];
  readonly when?: string;

  private constructor(
    readonly name: string,
    options: BackendOptions,
    private readonly build: () => CollectorComponent,
  ) {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) {
      throw new Error(
        `backend name '${name}' is not valid; use lowercase letters, digits and '-' (e.g. 'backend-a')`,
      );
    }
    this.signals = options.signals ?? ['logs', 'metrics', 'traces'];
    if (this.signals.length === 0)
      throw new Error(`backend '${name}': signals is empty; list at least one signal`);
    this.when = options.when;
  }

  /** The backend's exporter component. */
  exporter(): CollectorComponent {
    return this.build();
  }
}

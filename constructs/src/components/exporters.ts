import { z } from 'zod';
import { CollectorComponent } from '../model/component';
import type { KubeEnvVar } from '../model/kube-types';
import { COMPONENT_TYPES as T } from './component-types';
import { compact, DURATION, parseOptions } from './parse-options';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "_", "-", "."')
  .optional();
const duration = z.string().regex(DURATION, 'must be a Go duration such as 5s');

/** A value read from a Kubernetes Secret key, passed to the collector as an env var. */
export const secretRef = z.object({ secretName: z.string().min(1), key: z.string().min(1) }).strict();
export type SecretRef = z.input<typeof secretRef>;

const sendingQueue = z
  .object({
    enabled: z.boolean().default(true),
    numConsumers: z.number().int().min(1).default(10),
    queueSize: z.number().int().min(1).default(5000),
    /** Id of a `file_storage` extension for a persistent queue. */
    storage: z.string().min(1).optional(),
  })
  .strict()
  .prefault({});

const retry = z
  .object({
    enabled: z.boolean().default(true),
    initialInterval: duration.default('5s'),
    maxInterval: duration.default('30s'),
    maxElapsedTime: duration.default('300s'),
  })
  .strict()
  .prefault({});

const otlpCommon = {
  name,
  /** Headers whose values come from Secrets (credentials are never written inline). */
  headersFromSecrets: z.record(z.string().min(1), secretRef).default({}),
  compression: z.enum(['gzip', 'zstd', 'snappy', 'none']).default('gzip'),
  timeout: duration.default('10s'),
  /** Skip TLS (plain-text to the endpoint). @default false */
  insecure: z.boolean().default(false),
  sendingQueue,
  retryOnFailure: retry,
};

/** Options of `Exporters.otlp` (OTLP/gRPC). */
export const otlpExporterOptions = z
  .object({
    ...otlpCommon,
    /** host:port of the OTLP/gRPC server, e.g. `gateway.monitoring.svc:4317`. */
    endpoint: z
      .string()
      .regex(/^(dns:\/\/\/)?[^/\s]+:\d{1,5}$/, 'must be host:port, e.g. backend.example.com:4317'),
  })
  .strict();

/** Options of `Exporters.otlphttp` (OTLP/HTTP). */
export const otlphttpExporterOptions = z
  .object({
    ...otlpCommon,
    /** Base URL; the exporter appends `/v1/logs`, `/v1/metrics`, `/v1/traces`. */
    endpoint: z.url({
      protocol: /^https?$/,
      message: 'must be an http(s) URL such as https://otlp.example.com',
    }),
  })
  .strict();

/** Options of `Exporters.debug`. */
export const debugExporterOptions = z
  .object({ name, verbosity: z.enum(['basic', 'normal', 'detailed']).default('basic') })
  .strict();

/** Options of `Exporters.loadbalancing`. */
export const loadbalancingOptions = z
  .object({
    name,
    /** `traceID` keeps a trace on one backend; `service`, `resource`, `metric`, `streamID`. */
    routingKey: z.enum(['traceID', 'service', 'resource', 'metric', 'streamID']).default('traceID'),
    /** Headless Service `name.namespace` resolved through the Kubernetes API (k8s resolver). */
    k8sService: z
      .string()
      .regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'must be <service>.<namespace>')
      .optional(),
    /** Or a DNS name (dns resolver). */
    dnsHostname: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).default(4317),
    insecure: z.boolean().default(true),
  })
  .strict()
  .refine((o) => (o.k8sService ? 1 : 0) + (o.dnsHostname ? 1 : 0) === 1, {
    message: 'give exactly one of k8sService or dnsHostname',
  });

/** Env var name for a header's secret: `OTEL_HDR_<EXPORTER>_<HEADER>`. */
export function headerEnvName(exporterId: string, header: string): string {
  return `OTEL_HDR_${exporterId}_${header}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function otlpLike(
  type: string,
  o: z.output<typeof otlpExporterOptions> | z.output<typeof otlphttpExporterOptions>,
): CollectorComponent {
  const id = o.name ? `${type}/${o.name}` : type;
  const env: KubeEnvVar[] = [];
  const headers: Record<string, string> = {};
  for (const [header, ref] of Object.entries(o.headersFromSecrets)) {
    const envName = headerEnvName(id, header);
    env.push({ name: envName, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } });
    headers[header] = `\${env:${envName}}`;
  }
  return new CollectorComponent({
    kind: 'exporter',
    type,
    name: o.name,
    config: compact({
      endpoint: o.endpoint,
      tls: o.insecure ? { insecure: true } : undefined,
      headers: Object.keys(headers).length ? headers : undefined,
      compression: o.compression,
      timeout: o.timeout,
      sending_queue: compact({
        enabled: o.sendingQueue.enabled,
        num_consumers: o.sendingQueue.numConsumers,
        queue_size: o.sendingQueue.queueSize,
        storage: o.sendingQueue.storage,
      }),
      retry_on_failure: {
        enabled: o.retryOnFailure.enabled,
        initial_interval: o.retryOnFailure.initialInterval,
        max_interval: o.retryOnFailure.maxInterval,
        max_elapsed_time: o.retryOnFailure.maxElapsedTime,
      },
    }),
    needs: { env },
  });
}

/** Typed builders for the exporters the tiers use. Keys are the upstream collector's. */
export class Exporters {
  /** OTLP over gRPC: type `otlp_grpc` (formerly `otlp`), with sending queue and retry. */
  static otlp(options: z.input<typeof otlpExporterOptions>): CollectorComponent {
    const o = parseOptions('exporter otlp', otlpExporterOptions, options);
    return otlpLike(T.otlpGrpcExporter, o);
  }

  /** OTLP over HTTP: type `otlp_http` (formerly `otlphttp`), with sending queue and retry. */
  static otlphttp(options: z.input<typeof otlphttpExporterOptions>): CollectorComponent {
    const o = parseOptions('exporter otlphttp', otlphttpExporterOptions, options);
    return otlpLike(T.otlpHttpExporter, o);
  }

  /** `debug`: prints to the collector's log. */
  static debug(options: z.input<typeof debugExporterOptions> = {}): CollectorComponent {
    const o = parseOptions('exporter debug', debugExporterOptions, options);
    return new CollectorComponent({
      kind: 'exporter',
      type: T.debug,
      name: o.name,
      config: { verbosity: o.verbosity },
    });
  }

  /** `loadbalancing`: OTLP to the endpoints of a headless Service, keyed by `routingKey`. */
  static loadbalancing(options: z.input<typeof loadbalancingOptions>): CollectorComponent {
    const o = parseOptions('exporter loadbalancing', loadbalancingOptions, options);
    const resolver = o.k8sService
      ? { k8s: { service: o.k8sService, ports: [o.port] } }
      : { dns: { hostname: o.dnsHostname, port: String(o.port) } };
    return new CollectorComponent({
      kind: 'exporter',
      type: T.loadbalancing,
      name: o.name,
      config: {
        routing_key: o.routingKey,
        protocol: { otlp: { tls: { insecure: o.insecure } } },
        resolver,
      },
      needs: o.k8sService
        ? {
            namespaceRules: [
              { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch'] },
              {
                apiGroups: ['discovery.k8s.io'],
                resources: ['endpointslices'],
                verbs: ['get', 'list', 'watch'],
              },
            ],
          }
        : {},
    });
  }
}

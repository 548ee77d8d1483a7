import { z } from 'zod';
import { parseProps } from '../validation/prop-errors';

/** Props shared by `TelemetryPodMonitor` and `TelemetryServiceMonitor`. */
export interface TelemetryMonitorProps {
  /** Name of the monitor. */
  readonly name: string;
  /** Namespace of the monitor and of the pods/Services it selects. @default the chart's */
  readonly namespace?: string;
  /** Value of the `job` label of every scraped series; the alert rules select by it. */
  readonly job: string;
  /** Labels of the pods (PodMonitor) or Services (ServiceMonitor) to scrape. */
  readonly selector: Readonly<Record<string, string>>;
  /** Name of the container port (PodMonitor) or Service port (ServiceMonitor) serving metrics. */
  readonly port: string;
  /** HTTP path of the metrics. @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. @default '30s' */
  readonly interval?: string;
  /** Labels on the monitor, for your Prometheus's `podMonitorSelector` / `serviceMonitorSelector`. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const labelMap = z.record(z.string().min(1), z.string());
export const telemetryMonitorSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS-1123 subdomain'),
    namespace: z.string().optional(),
    job: z.string().min(1),
    selector: labelMap.refine((m) => Object.keys(m).length > 0, 'must select by at least one label'),
    port: z.string().min(1, 'must name a port'),
    path: z.string().startsWith('/').default('/metrics'),
    interval: z
      .string()
      .regex(/^([0-9]+(ms|s|m|h))+$/, 'must be a Prometheus duration such as 30s')
      .default('30s'),
    labels: labelMap.default({}),
  })
  .strict();

export type ResolvedTelemetryMonitorProps = z.output<typeof telemetryMonitorSchema>;

/** Validates the props; throws naming `owner` (e.g. `TelemetryPodMonitor 'collector'`), the key, the value and the fix. */
export function resolveTelemetryMonitorProps(
  owner: string,
  props: TelemetryMonitorProps,
): ResolvedTelemetryMonitorProps {
  return parseProps(owner, 'props', telemetryMonitorSchema, props);
}

/** `TierMonitors` props as given. */
export const tierMonitorsPropsSchema = z
  .object({
    jobs: z
      .object({
        agent: z.string().min(1).optional(),
        gateway: z.string().min(1).optional(),
        clusterAgent: z.string().min(1).optional(),
        targetAllocator: z.string().min(1).optional(),
        podtail: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    interval: z
      .string()
      .regex(/^([0-9]+(ms|s|m|h))+$/, 'must be a Prometheus duration such as 30s')
      .optional(),
    labels: labelMap.optional(),
    podtail: z.boolean({ error: 'must be true or false' }).optional(),
    targetAllocator: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict();

/**
 * What a PodMonitor and a ServiceMonitor built from the same props share: metadata, the
 * selector and namespace selector of the spec, and the one scrape endpoint, which rewrites `job`
 * to `p.job`. `replaceAction` is the monitor kind's own `replace` relabel action.
 */
export function telemetryMonitorParts<Action>(
  p: ResolvedTelemetryMonitorProps,
  namespace: string | undefined,
  replaceAction: Action,
) {
  return {
    metadata: { name: p.name, namespace, labels: { 'app.kubernetes.io/part-of': 'otel-tiers', ...p.labels } },
    selection: {
      selector: { matchLabels: { ...p.selector } },
      ...(namespace ? { namespaceSelector: { matchNames: [namespace] } } : {}),
    },
    endpoint: {
      port: p.port,
      path: p.path,
      interval: p.interval,
      relabelings: [{ action: replaceAction, targetLabel: 'job', replacement: p.job }],
    },
  };
}

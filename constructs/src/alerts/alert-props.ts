import { z } from 'zod';
import { parseProps } from '../validation/prop-errors';

/** The collector tiers alerts can be generated for. */
export const COLLECTOR_TIERS = ['agent', 'gateway', 'clusterAgent'] as const;
export type CollectorTierName = (typeof COLLECTOR_TIERS)[number];

/**
 * The `job` label value of each scraped component. The monitors in `../monitoring` set `job` to
 * these values, so alert selectors and scrape configuration agree.
 */
export interface AlertJobs {
  /** @default 'otel-agent' */
  readonly agent: string;
  /** @default 'otel-gateway' */
  readonly gateway: string;
  /** @default 'otel-cluster-agent' */
  readonly clusterAgent: string;
  /** @default 'otel-target-allocator' */
  readonly targetAllocator: string;
  /** @default 'podtail' */
  readonly podtail: string;
}

export const DEFAULT_ALERT_JOBS: AlertJobs = {
  agent: 'otel-agent',
  gateway: 'otel-gateway',
  clusterAgent: 'otel-cluster-agent',
  targetAllocator: 'otel-target-allocator',
  podtail: 'podtail',
};

/** Thresholds and windows of the alerts. */
export interface AlertThresholds {
  /** Fraction of the exporter sending-queue capacity above which the queue alert fires. @default 0.8 */
  readonly queueUtilisation: number;
  /** Container restarts within `restartWindow` that fire the restart alert. @default 3 */
  readonly restarts: number;
  /** Window for restart and OOM-kill alerts (Prometheus duration). @default '30m' */
  readonly restartWindow: string;
  /** podtail lag (bytes behind the end of files, per pod) that must be exceeded while growing. @default 67108864 (64 MiB) */
  readonly lagBytes: number;
  /** How long lag must keep growing before the lag alert fires. @default '15m' */
  readonly lagFor: string;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  queueUtilisation: 0.8,
  restarts: 3,
  restartWindow: '30m',
  lagBytes: 64 * 1024 * 1024,
  lagFor: '15m',
};

/** Props of `AlertRules`. */
export interface AlertRulesProps {
  /** Name of the `PrometheusRule`. @default 'otel-tiers-alerts' */
  readonly name?: string;
  /**
   * Namespace the collectors and podtail run in; kube-state-metrics selectors (restarts, OOM
   * kills) match it. @default the chart's namespace, else 'default'
   */
  readonly namespace?: string;
  /** Tiers deployed in this stack; each gets down/absent alerts. @default all three */
  readonly tiers?: readonly CollectorTierName[];
  /** Whether podtail runs in this stack (its alerts are generated). @default true */
  readonly podtail?: boolean;
  /** Whether the gateway runs a Target Allocator (its alerts are generated). @default true */
  readonly targetAllocator?: boolean;
  /** `job` label values of the scraped components. @default DEFAULT_ALERT_JOBS */
  readonly jobs?: Partial<AlertJobs>;
  /**
   * Container names (kube-state-metrics `container` label) of collectors, Target Allocator and
   * podtail, for restart and OOM-kill alerts.
   * (plain workloads: otel-collector, target-allocator; operator: otc-container, ta-container)
   * @default ['otel-collector', 'otc-container', 'target-allocator', 'ta-container', 'podtail']
   */
  readonly containers?: readonly string[];
  /** Threshold overrides. @default DEFAULT_ALERT_THRESHOLDS */
  readonly thresholds?: Partial<AlertThresholds>;
  /**
   * URL of RUNBOOK.md; each alert's `runbook_url` is this plus `#<alertname lowercased>`.
   * @default 'https://github.com/otel-tiers/otel-tiers/blob/main/RUNBOOK.md'
   */
  readonly runbookUrl?: string;
  /** Labels on the `PrometheusRule` (e.g. the `ruleSelector` of your Prometheus). @default {} */
  readonly ruleLabels?: Readonly<Record<string, string>>;
}

export const DEFAULT_RUNBOOK_URL = 'https://github.com/otel-tiers/otel-tiers/blob/main/RUNBOOK.md';
export const DEFAULT_ALERT_CONTAINERS = [
  'otel-collector',
  'otc-container',
  'target-allocator',
  'ta-container',
  'podtail',
];

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits, "-")')
  .max(63);
const duration = z
  .string()
  .regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, 'must be a Prometheus duration such as 30s, 15m or 1h');
const labelValue = z
  .string()
  .min(1)
  .regex(/^[^"\\]*$/, 'must not contain a double quote or backslash');

/** zod schema of the resolved props; `resolveAlertRulesProps` applies defaults and parses. */
export const resolvedAlertRulesSchema = z.object({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS-1123 subdomain'),
  namespace: dnsLabel,
  tiers: z
    .array(z.enum(COLLECTOR_TIERS))
    .refine((t) => new Set(t).size === t.length, 'must not repeat a tier'),
  podtail: z.boolean(),
  targetAllocator: z.boolean(),
  jobs: z.object({
    agent: labelValue,
    gateway: labelValue,
    clusterAgent: labelValue,
    targetAllocator: labelValue,
    podtail: labelValue,
  }),
  containers: z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a container name')).min(1),
  thresholds: z.object({
    queueUtilisation: z.number().gt(0).lte(1),
    restarts: z.number().int().positive(),
    restartWindow: duration,
    lagBytes: z.number().int().nonnegative(),
    lagFor: duration,
  }),
  runbookUrl: z.url(),
  ruleLabels: z.record(z.string(), z.string()),
});

export type ResolvedAlertRulesProps = z.infer<typeof resolvedAlertRulesSchema>;

const optionalString = z.string({ error: 'must be a string' }).optional();

/** zod schema of the props as given: every key known, every value of the right type. */
export const alertRulesPropsSchema = z
  .object({
    name: optionalString,
    namespace: optionalString,
    tiers: z
      .array(z.enum(COLLECTOR_TIERS, { error: "must be 'agent', 'gateway' or 'clusterAgent'" }), {
        error: "must be an array of tiers, e.g. ['agent', 'gateway']",
      })
      .optional(),
    podtail: z.boolean({ error: 'must be true or false' }).optional(),
    targetAllocator: z.boolean({ error: 'must be true or false' }).optional(),
    jobs: z
      .object({
        agent: optionalString,
        gateway: optionalString,
        clusterAgent: optionalString,
        targetAllocator: optionalString,
        podtail: optionalString,
      })
      .strict()
      .optional(),
    containers: z.array(z.string(), { error: 'must be an array of container names' }).optional(),
    thresholds: z
      .object({
        queueUtilisation: z.number({ error: 'must be a number' }).optional(),
        restarts: z.number({ error: 'must be a number' }).optional(),
        restartWindow: optionalString,
        lagBytes: z.number({ error: 'must be a number' }).optional(),
        lagFor: optionalString,
      })
      .strict()
      .optional(),
    runbookUrl: optionalString,
    ruleLabels: z.record(z.string(), z.string({ error: 'must be a string label value' })).optional(),
  })
  .strict();

/**
 * Applies defaults and validates; throws an error naming `owner` (e.g. `AlertRules 'alerts'`),
 * the key, the value and the fix.
 */
export function resolveAlertRulesProps(
  props: AlertRulesProps,
  chartNamespace: string | undefined,
  owner = 'AlertRules',
): ResolvedAlertRulesProps {
  parseProps(owner, 'props', alertRulesPropsSchema, props);
  const candidate = {
    name: props.name ?? 'otel-tiers-alerts',
    namespace: props.namespace ?? chartNamespace ?? 'default',
    tiers: [...(props.tiers ?? COLLECTOR_TIERS)],
    podtail: props.podtail ?? true,
    targetAllocator: props.targetAllocator ?? true,
    jobs: { ...DEFAULT_ALERT_JOBS, ...props.jobs },
    containers: [...(props.containers ?? DEFAULT_ALERT_CONTAINERS)],
    thresholds: { ...DEFAULT_ALERT_THRESHOLDS, ...props.thresholds },
    runbookUrl: props.runbookUrl ?? DEFAULT_RUNBOOK_URL,
    ruleLabels: { ...props.ruleLabels },
  };
  return parseProps(owner, 'props', resolvedAlertRulesSchema, candidate);
}

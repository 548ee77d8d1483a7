import { FAILURE_KINDS, FailureKind, PODTAIL_METRICS } from 'podtail/config';
import { AlertGroup, AlertRule, AlertSeverity } from './alert-rule';
import { ResolvedAlertRulesProps } from './alert-props';

/**
 * Severity per failure kind. A kind missing here (a new one added to podtail's contract) still
 * gets an alert, at `warning`.
 */
const FAILURE_SEVERITY: Partial<Record<FailureKind, AlertSeverity>> = {
  rotation_stalled: 'critical',
  backpressure_drop: 'warning',
  cursor_write_failed: 'critical',
  watch: 'critical',
  fingerprint_cardinality: 'warning',
  attribution_cardinality: 'warning',
  rate_limit_cardinality: 'warning',
};

/** `rotation_stalled` -> `PodtailRotationStalled`. */
export function failureAlertName(kind: string): string {
  return (
    'Podtail' +
    kind
      .split('_')
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join('')
  );
}

/** One alert per podtail failure kind (from `FAILURE_KINDS`), plus down, export, lag and degraded. */
export function podtailAlerts(props: ResolvedAlertRulesProps): AlertGroup {
  if (!props.podtail) return { name: 'otel-tiers.podtail', rules: [] };
  const job = `job="${props.jobs.podtail}"`;
  const rules: AlertRule[] = FAILURE_KINDS.map(({ kind, summary }) => ({
    alert: failureAlertName(kind),
    expr: `sum by (job, namespace, pod, kind) (increase(${PODTAIL_METRICS.failures}{${job}, kind="${kind}"}[10m])) > 0`,
    for: '0m',
    severity: FAILURE_SEVERITY[kind] ?? 'warning',
    summary: `podtail {{ $labels.namespace }}/{{ $labels.pod }}: ${summary.charAt(0).toLowerCase()}${summary.slice(1)}`,
    description:
      `podtail on {{ $labels.namespace }}/{{ $labels.pod }} counted failures of kind ${kind} in the last 10 minutes ` +
      `(${PODTAIL_METRICS.failures}{kind="${kind}"}). ${summary}.`,
  }));
  rules.push(
    {
      alert: 'PodtailDown',
      expr: `up{${job}} == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'podtail {{ $labels.namespace }}/{{ $labels.pod }} is down',
      description:
        'Prometheus has failed to scrape podtail {{ $labels.namespace }}/{{ $labels.pod }} for 5 minutes. ' +
        'Logs on that node are not shipped until it is back (they stay on disk and are read from the cursor).',
    },
    {
      alert: 'PodtailExportFailing',
      expr: `sum by (job, namespace, pod) (rate(${PODTAIL_METRICS.exportFailures}{${job}}[5m])) > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'podtail {{ $labels.namespace }}/{{ $labels.pod }} cannot export to the collector',
      description:
        'podtail on {{ $labels.namespace }}/{{ $labels.pod }} has had failing OTLP export requests for ' +
        '10 minutes. Reading pauses when the in-flight bound is reached, so lag grows; nothing is dropped.',
    },
    {
      alert: 'PodtailLagGrowing',
      expr:
        `(sum by (job, namespace, pod) (${PODTAIL_METRICS.lagBytes}{${job}}) > ${props.thresholds.lagBytes}) ` +
        `and (deriv(sum by (job, namespace, pod) (${PODTAIL_METRICS.lagBytes}{${job}})[${props.thresholds.lagFor}:1m]) > 0)`,
      for: props.thresholds.lagFor,
      severity: 'warning',
      summary: 'podtail {{ $labels.namespace }}/{{ $labels.pod }} is falling behind the log files',
      description:
        'The bytes podtail on {{ $labels.namespace }}/{{ $labels.pod }} has not yet read from the end of the ' +
        `files it tails exceed ${props.thresholds.lagBytes} and have kept growing for ${props.thresholds.lagFor}. ` +
        'If kubelet rotates files away before podtail reaches them, lines are lost.',
    },
    {
      alert: 'PodtailDegraded',
      expr: `max by (job, namespace, pod, component) (${PODTAIL_METRICS.degraded}{${job}}) == 1`,
      for: '10m',
      severity: 'warning',
      summary: 'podtail {{ $labels.namespace }}/{{ $labels.pod }} is degraded ({{ $labels.component }})',
      description:
        'Component {{ $labels.component }} of podtail on {{ $labels.namespace }}/{{ $labels.pod }} has reported ' +
        'that it cannot do its job fully for 10 minutes (podtail_degraded == 1).',
    },
  );
  return { name: 'otel-tiers.podtail', rules };
}

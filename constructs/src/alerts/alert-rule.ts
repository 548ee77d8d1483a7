/** How urgent an alert is; the `severity` label of every rule. */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/**
 * One alerting rule, renderer-neutral: `AlertRules` turns a list of these into a
 * `PrometheusRule` group, adding `severity`, `summary`, `description` and `runbook_url`.
 */
export interface AlertRule {
  /** Alert name (`alertname`); also the RUNBOOK.md section heading its `runbook_url` points at. */
  readonly alert: string;
  /** PromQL expression; every series it returns is one firing alert. */
  readonly expr: string;
  /** How long the expression must hold before the alert fires (Prometheus duration). */
  readonly for: string;
  readonly severity: AlertSeverity;
  /** One line: what is wrong. May use `{{ $labels.x }}` for labels the expression keeps. */
  readonly summary: string;
  /** What it means for delivery and where to look. May use `{{ $labels.x }}`. */
  readonly description: string;
  /** Static labels added to the alert besides `severity` (e.g. `tier`). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A named group of rules, one `spec.groups[]` entry of the `PrometheusRule`. */
export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PrometheusRule,
  PrometheusRuleSpecGroupsRulesExpr,
} from '../../../imports/lib/prometheusrule-monitoring.coreos.com';
import { AlertGroup } from './alert-rule';
import { AlertRulesProps, ResolvedAlertRulesProps, resolveAlertRulesProps } from './alert-props';
import { collectorAlerts } from './collector-alerts';
import { kubeStateAlerts } from './kube-state-alerts';
import { podtailAlerts } from './podtail-alerts';
import { runbookUrl } from './runbook';
import { targetAllocatorAlerts } from './target-allocator-alerts';

/**
 * The alert rules of one stack, as a `PrometheusRule` (monitoring.coreos.com/v1): collector
 * pipeline health, per-tier down/absent, restarts and OOM kills, the Target Allocator, and
 * podtail (one alert per failure kind, export, lag, degraded). Every alert carries `severity`,
 * `summary`, `description` and a `runbook_url` to its RUNBOOK.md section.
 */
export class AlertRules extends Construct {
  /** The rendered `PrometheusRule`. */
  public readonly prometheusRule: PrometheusRule;
  /** The resolved props (defaults applied). */
  public readonly config: ResolvedAlertRulesProps;
  /** The rule groups, renderer-neutral. */
  public readonly groups: readonly AlertGroup[];

  constructor(scope: Construct, id: string, props: AlertRulesProps = {}) {
    super(scope, id);
    this.config = resolveAlertRulesProps(props, Chart.of(this).namespace, `AlertRules '${id}'`);
    this.groups = [
      collectorAlerts(this.config),
      kubeStateAlerts(this.config),
      targetAllocatorAlerts(this.config),
      podtailAlerts(this.config),
    ].filter((g) => g.rules.length > 0);

    this.prometheusRule = new PrometheusRule(this, 'Resource', {
      metadata: {
        name: this.config.name,
        labels: { 'app.kubernetes.io/part-of': 'otel-tiers', ...this.config.ruleLabels },
      },
      spec: {
        groups: this.groups.map((group) => ({
          name: group.name,
          rules: group.rules.map((rule) => ({
            alert: rule.alert,
            expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
            for: rule.for,
            labels: { severity: rule.severity, ...rule.labels },
            annotations: {
              summary: rule.summary,
              description: rule.description,
              runbook_url: runbookUrl(this.config.runbookUrl, rule.alert),
            },
          })),
        })),
      },
    });
  }

  /** Names of all alerts, deduplicated (per-tier alerts share a name). */
  public get alertNames(): string[] {
    return [...new Set(this.groups.flatMap((g) => g.rules.map((r) => r.alert)))];
  }
}

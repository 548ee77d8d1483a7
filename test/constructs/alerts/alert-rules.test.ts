import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { FAILURE_KINDS } from 'podtail/config';
import {
  AlertRules,
  AlertRulesProps,
  COLLECTOR_METRICS_RELEASE,
  failureAlertName,
} from '../../../constructs/src/alerts';
import { ALERT_CASES, AlertCase } from './alert-cases';
import { promtool, promtoolPath } from './promtool';

interface SynthRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface SynthGroup {
  name: string;
  rules: SynthRule[];
}

function synth(props: AlertRulesProps = {}): { manifest: Record<string, unknown>; groups: SynthGroup[] } {
  const chart = new Chart(Testing.app(), 'alerts', { namespace: 'monitoring' });
  new AlertRules(chart, 'alerts', props);
  const manifests = Testing.synth(chart) as Record<string, unknown>[];
  expect(manifests).toHaveLength(1);
  const manifest = manifests[0];
  const spec = manifest.spec as { groups: SynthGroup[] };
  return { manifest, groups: spec.groups };
}

/** Expands `{{ $labels.x }}` as Prometheus does for the labels of a firing alert. */
function expand(template: string, labels: Record<string, string>): string {
  return template.replace(
    /\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g,
    (_, key: string) => labels[key] ?? '',
  );
}

function ruleFor(groups: SynthGroup[], c: AlertCase): SynthRule {
  const matches = groups
    .flatMap((g) => g.rules)
    .filter(
      (r) => r.alert === c.alert && Object.entries(c.ruleLabels ?? {}).every(([k, v]) => r.labels[k] === v),
    );
  if (matches.length !== 1) {
    throw new Error(`case ${c.alert} ${JSON.stringify(c.ruleLabels ?? {})} matches ${matches.length} rules`);
  }
  return matches[0];
}

/** Builds the promtool test file from the table: one firing and one silent test per case. */
function promtoolTests(groups: SynthGroup[]): Record<string, unknown> {
  const tests = ALERT_CASES.flatMap((c) => {
    const rule = ruleFor(groups, c);
    const expAlerts = c.firingLabels.map((labels) => ({
      exp_labels: { ...labels, ...rule.labels },
      exp_annotations: Object.fromEntries(
        Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, labels)]),
      ),
    }));
    const name = `${c.alert}${c.ruleLabels ? ` ${JSON.stringify(c.ruleLabels)}` : ''}`;
    return [
      {
        name: `${name} fires`,
        interval: '1m',
        input_series: c.firing,
        alert_rule_test: [{ eval_time: '60m', alertname: c.alert, exp_alerts: expAlerts }],
      },
      {
        name: `${name} stays silent when healthy`,
        interval: '1m',
        input_series: c.healthy,
        alert_rule_test: [{ eval_time: '60m', alertname: c.alert, exp_alerts: [] }],
      },
    ];
  });
  return { rule_files: ['rules.yaml'], evaluation_interval: '1m', tests };
}

describe('AlertRules', () => {
  let dir: string;
  beforeAll(() => {
    promtoolPath(); // fails with the install hint when promtool is missing
    dir = mkdtempSync(join(tmpdir(), 'otel-tiers-alerts-'));
  });
  afterAll(() => {
    if (!process.env.KEEP_ALERT_TEST_DIR) rmSync(dir, { recursive: true, force: true });
  });

  test('renders a PrometheusRule with severity, summary, description and runbook_url on every alert', () => {
    const { manifest, groups } = synth();
    expect(manifest.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(manifest.kind).toBe('PrometheusRule');
    expect(manifest).toMatchSnapshot('defaults');
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(20);
    for (const rule of rules) {
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toBeTruthy();
      expect(rule.annotations.description).toBeTruthy();
      expect(rule.annotations.runbook_url).toBe(
        `https://github.com/otel-tiers/otel-tiers/blob/main/RUNBOOK.md#${rule.alert.toLowerCase()}`,
      );
    }
  });

  test('passes `promtool check rules`', () => {
    const { groups } = synth();
    const file = join(dir, 'rules.yaml');
    writeFileSync(file, stringify({ groups }));
    const result = promtool(['check', 'rules', file], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('every alert fires on a synthetic series and stays silent on a healthy one (`promtool test rules`)', () => {
    const { groups } = synth();
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
    writeFileSync(join(dir, 'tests.yaml'), stringify(promtoolTests(groups)));
    const result = promtool(['test', 'rules', 'tests.yaml'], dir);
    if (result.status !== 0) throw new Error(`promtool test rules failed:\n${result.output}`);
    expect(result.output).toContain('SUCCESS');
  });

  test('the table covers every rule the stack renders', () => {
    const { groups } = synth();
    const rendered = groups
      .flatMap((g) => g.rules)
      .map((r) => `${r.alert}${r.labels.tier ? `/${r.labels.tier}` : ''}`)
      .sort();
    const covered = ALERT_CASES.map(
      (c) => `${c.alert}${c.ruleLabels?.tier ? `/${c.ruleLabels.tier}` : ''}`,
    ).sort();
    expect(covered).toEqual(rendered);
  });

  test('the promtool harness detects an alert that does not fire', () => {
    // Raise the queue threshold so the firing series (90% full) no longer fires: promtool must fail.
    const { groups } = synth({ thresholds: { queueUtilisation: 0.95 } });
    const sub = mkdtempSync(join(dir, 'neg-'));
    writeFileSync(join(sub, 'rules.yaml'), stringify({ groups }));
    writeFileSync(join(sub, 'tests.yaml'), stringify(promtoolTests(groups)));
    const result = promtool(['test', 'rules', 'tests.yaml'], sub);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('OtelCollectorExporterQueueNearlyFull fires');
  });

  test('every podtail failure kind has its alert on podtail_failures_total{kind}', () => {
    const { groups } = synth();
    const rules = groups.flatMap((g) => g.rules);
    for (const { kind } of FAILURE_KINDS) {
      const rule = rules.find((r) => r.alert === failureAlertName(kind));
      expect(rule).toBeDefined();
      expect(rule?.expr).toContain(`podtail_failures_total{job="podtail", kind="${kind}"}`);
    }
  });

  test('uses the v0.155+ memory_limiter metric names and states the collector release', () => {
    const { groups } = synth();
    const all = JSON.stringify(groups);
    expect(all).toContain('otelcol_processor_memory_limiter_refused_');
    expect(all).not.toMatch(/otelcol_processor_refused_/);
    expect(all).toContain(`collector ${COLLECTOR_METRICS_RELEASE} metric names`);
  });

  test('only enabled parts render; jobs and namespace follow the props', () => {
    const { groups } = synth({
      tiers: ['agent'],
      podtail: false,
      targetAllocator: false,
      namespace: 'observability',
      jobs: { agent: 'my-agents' },
    });
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.filter((r) => r.alert === 'OtelCollectorDown').map((r) => r.expr)).toEqual([
      'up{job="my-agents"} == 0',
    ]);
    expect(rules.some((r) => r.alert.startsWith('Podtail'))).toBe(false);
    expect(rules.some((r) => r.alert.startsWith('OtelTargetAllocator'))).toBe(false);
    expect(rules.find((r) => r.alert === 'OtelCollectorRestarting')?.expr).toContain(
      'namespace="observability"',
    );
  });

  test('invalid props fail naming the key, the value and the fix', () => {
    expect(() => synth({ thresholds: { queueUtilisation: 80 } })).toThrow(
      /props\.thresholds\.queueUtilisation = 80: .*(less than or equal|<=)/,
    );
    expect(() => synth({ thresholds: { lagFor: '15 minutes' } })).toThrow(
      /props\.thresholds\.lagFor = "15 minutes": must be a Prometheus duration/,
    );
    expect(() => synth({ jobs: { podtail: 'pod"tail' } })).toThrow(/props\.jobs\.podtail = "pod\\"tail"/);
  });
});

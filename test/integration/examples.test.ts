import { App } from 'cdk8s';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import { parse, stringify } from 'yaml';
import { evaluate, formatTable, loadManifests } from '@otel-tiers/policies';
import { parseConfig } from 'podtail/config';
import { GpuTrainingStack, DATALOADER_PATTERN, RANK_BODY_PATTERN } from '../../examples/gpu-training/main';
import { LogsOnlyStack } from '../../examples/logs-only/main';
import { promtool } from '../constructs/alerts/promtool';
import {
  findObject,
  podtailConfigText,
  readSynthOutput,
  validateObject,
  type Manifest,
} from './e2e/manifests';

const REPO = join(__dirname, '../..');
const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Build = (app: App) => void;
const EXAMPLES: Record<string, Build> = {
  'gpu-training': (app) => void new GpuTrainingStack(app, 'gpu-training'),
  'logs-only': (app) => void new LogsOnlyStack(app, 'logs-only'),
};

/** Synthesizes an example into a temp dir, as `cdk8s synth` would. */
function synthExample(name: string): { outdir: string; objs: Manifest[] } {
  const outdir = tempDir(`example-${name}-`);
  const app = new App({ outdir });
  EXAMPLES[name](app);
  app.synth();
  return { outdir, objs: readSynthOutput(outdir) };
}

type Container = { name: string; image: string; args?: string[] };
type PodSpec = { containers: Container[]; tolerations?: { key?: string }[] };
const podSpec = (o: Manifest): PodSpec =>
  (o as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;

describe.each(Object.keys(EXAMPLES))('example %s', (name) => {
  let out: { outdir: string; objs: Manifest[] };
  beforeAll(() => {
    out = synthExample(name);
  });

  test('every object is valid against the Kubernetes schema (CRDs for custom resources)', () => {
    expect(out.objs.length).toBeGreaterThan(3);
    for (const o of out.objs) validateObject(o);
  });

  test('the policies find nothing (no error, warning or info)', () => {
    const report = evaluate(loadManifests([out.outdir]));
    expect(report.resourceCount).toBe(out.objs.length);
    expect(report.entries.length === 0 ? 'no findings' : formatTable(report)).toBe('no findings');
    expect(report.suppressed).toEqual([]);
  });

  test('the podtail config in its ConfigMap is one podtail accepts', () => {
    const agent = out.objs.find((o) => o.kind === 'DaemonSet')!;
    const config = parseConfig(podtailConfigText(out.objs, agent.metadata.name), 'configmap', {
      K8S_NODE_NAME: 'node-a',
    });
    expect(config.nodeName).toBe('node-a');
    expect(config.containerd.enabled).toBe(true);
    const podtail = podSpec(agent).containers.find((c) => c.name === 'podtail')!;
    expect(podtail.image).toMatch(/^ghcr\.io\/otel-tiers\/podtail:\d+\.\d+\.\d+/);
  });

  test('main.ts synthesizes the same objects when run as an app (node + ts-node, CDK8S_OUTDIR)', () => {
    const outdir = tempDir(`example-${name}-main-`);
    const run = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(REPO, 'examples', name, 'main.ts')],
      { cwd: REPO, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readSynthOutput(outdir)).toEqual(out.objs);
  });
});

describe('gpu-training', () => {
  let objs: Manifest[];
  beforeAll(() => {
    objs = synthExample('gpu-training').objs;
  });

  test('podtail attributes rank and job the PyTorchJob / JobSet way, and reads the rank off torchrun lines', () => {
    const config = parseConfig(podtailConfigText(objs), 'configmap', { K8S_NODE_NAME: 'gpu-node-1' });
    expect(config.training.enabled).toBe(true);
    expect(config.training.rank.sources.slice(0, 2)).toEqual([
      'env:RANK',
      'label:training.kubeflow.org/replica-index',
    ]);
    expect(config.training.rank.sources).toContain('annotation:batch.kubernetes.io/job-completion-index');
    expect(config.training.jobId.sources.slice(0, 2)).toEqual([
      'label:training.kubeflow.org/job-name',
      'label:jobset.sigs.k8s.io/jobset-name',
    ]);
    expect(config.kubernetes.labels.include).toContain('jobset.sigs.k8s.io/*');
    const rank = RE2JS.compile(config.training.rank.bodyPattern!).matcher('[rank7]: epoch 3 loss 0.12');
    expect(rank.find() && rank.group('rank')).toBe('7');
    expect(config.training.rank.bodyPattern).toBe(RANK_BODY_PATTERN);
  });

  test('the dataloader regex extracts data and iteration times from the training loop line', () => {
    const config = parseConfig(podtailConfigText(objs), 'configmap', { K8S_NODE_NAME: 'n' });
    expect(config.dataloader).toMatchObject({
      enabled: true,
      trainingOnly: true,
      patterns: [DATALOADER_PATTERN],
    });
    const m = RE2JS.compile(config.dataloader.patterns[0]).matcher(
      'step 1200 loss=0.231 data_time=0.412s iter_time=1.250 lr=3e-4',
    );
    expect(m.find()).toBe(true);
    expect([m.group('data_time_s'), m.group('iter_time_s')]).toEqual(['0.412', '1.250']);
    expect(RE2JS.compile(config.dataloader.patterns[0]).matcher('step 1200 loss=0.231').find()).toBe(false);
  });

  test('agents run on GPU nodes; podtail and dataloader alerts and the PodMonitors are rendered', () => {
    const ds = findObject(objs, 'DaemonSet', 'otel-agent');
    expect(podSpec(ds).tolerations).toEqual(
      expect.arrayContaining([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]),
    );
    const rules = objs.filter((o) => o.kind === 'PrometheusRule');
    const alerts = rules.flatMap((r) =>
      (r as unknown as { spec: { groups: { rules: { alert: string }[] }[] } }).spec.groups.flatMap((g) =>
        g.rules.map((x) => x.alert),
      ),
    );
    expect(alerts).toEqual(
      expect.arrayContaining([
        'PodtailRotationStalled',
        'PodtailWatch',
        'PodtailDown',
        'PodtailLagGrowing',
        'TrainingJobInputBound',
        'TrainingJobInputStarved',
      ]),
    );
    expect(objs.filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.name)).toContain(
      'otel-agent-podtail',
    );
  });

  test('the dataloader alerts pass promtool and fire only for an input-bound job', () => {
    const rule = findObject(objs, 'PrometheusRule', 'training-dataloader-alerts') as unknown as {
      spec: { groups: unknown[] };
    };
    const dir = tempDir('dataloader-rules-');
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
    const check = promtool(['check', 'rules', 'rules.yaml'], dir);
    expect(check.output).toContain('SUCCESS');
    // Per minute: job "slow" waits 45 s of every 60 s iteration second (ratio 0.75); job "fast" 3 s (0.05).
    const series = (job: string, metric: string, perMin: number) => ({
      series: `${metric}{gen_ai_training_job_id="${job}", gen_ai_training_rank="0"}`,
      values: `0+${perMin}x40`,
    });
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            series('slow', 'training_dataloader_data_time_seconds_sum', 45),
            series('slow', 'training_iteration_time_seconds_sum', 60),
            series('fast', 'training_dataloader_data_time_seconds_sum', 3),
            series('fast', 'training_iteration_time_seconds_sum', 60),
          ],
          alert_rule_test: [
            {
              eval_time: '30m',
              alertname: 'TrainingJobInputBound',
              exp_alerts: [
                {
                  exp_labels: { severity: 'warning', gen_ai_training_job_id: 'slow' },
                  exp_annotations: {
                    summary: 'Training job slow is input-bound',
                    description:
                      'Ranks of job slow spend 75% of each iteration waiting for the dataloader (over 30% for 15m). Add dataloader workers, prefetch, or move the data closer to the GPUs.',
                    runbook_url:
                      'https://github.com/otel-tiers/otel-tiers/blob/main/examples/gpu-training/README.md#trainingjobinputbound',
                  },
                },
              ],
            },
            {
              eval_time: '30m',
              alertname: 'TrainingJobInputStarved',
              exp_alerts: [
                {
                  exp_labels: { severity: 'critical', gen_ai_training_job_id: 'slow' },
                  exp_annotations: {
                    summary: 'Training job slow is starved of input',
                    description:
                      'Ranks of job slow spend 75% of each iteration waiting for the dataloader (over 60% for 15m). Add dataloader workers, prefetch, or move the data closer to the GPUs.',
                    runbook_url:
                      'https://github.com/otel-tiers/otel-tiers/blob/main/examples/gpu-training/README.md#trainingjobinputstarved',
                  },
                },
              ],
            },
            { eval_time: '10m', alertname: 'TrainingJobInputBound', exp_alerts: [] },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'tests.yaml'), stringify(tests));
    const result = promtool(['test', 'rules', 'tests.yaml'], dir);
    if (result.status !== 0) throw new Error(`promtool test rules failed:\n${result.output}`);
  });
});

describe('logs-only', () => {
  test('only the agent: podtail plus a logs pipeline to the one backend, nothing else', () => {
    const { objs } = synthExample('logs-only');
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/logging-logs-agent',
      'ClusterRoleBinding/logging-logs-agent',
      'ConfigMap/logs-agent-config',
      'ConfigMap/logs-agent-podtail',
      'DaemonSet/logs-agent',
      'Namespace/logging',
      'ServiceAccount/logs-agent',
    ]);
    const cm = findObject(objs, 'ConfigMap', 'logs-agent-config') as unknown as {
      data: Record<string, string>;
    };
    const collector = parse(cm.data['collector.yaml']) as {
      receivers: Record<string, unknown>;
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: Record<string, { receivers: string[]; exporters: string[] }> };
    };
    expect(Object.keys(collector.service.pipelines)).toEqual(['logs']);
    expect(Object.keys(collector.receivers)).toEqual(['otlp']);
    expect(Object.values(collector.exporters).map((e) => e.endpoint)).toEqual([
      'logs-backend.logging-backend.svc.cluster.local:4317',
    ]);
    const ds = findObject(objs, 'DaemonSet', 'logs-agent');
    const volumes = (
      ds as unknown as { spec: { template: { spec: { volumes: { hostPath?: { path: string } }[] } } } }
    ).spec.template.spec.volumes.flatMap((v) => (v.hostPath ? [v.hostPath.path] : []));
    // no /hostfs: host metrics are off
    expect(volumes.sort()).toEqual(['/run/containerd/containerd.sock', '/var/lib/podtail', '/var/log/pods']);
    const role = findObject(objs, 'ClusterRole', 'logging-logs-agent') as unknown as {
      rules: { resources: string[] }[];
    };
    const resources = role.rules.flatMap((r) => r.resources).sort();
    expect(resources).not.toContain('nodes/stats');
    expect(resources).not.toContain('nodes/metrics');
  });
});

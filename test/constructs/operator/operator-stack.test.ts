/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests are read back as untyped JSON */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { evaluate, formatTable, loadManifests } from '@otel-tiers/policies';
import { ReferenceStack, Rendering } from '../../../constructs/src';
import { crdValidator, describeErrors } from './crd-validator';

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, any>;
  [k: string]: unknown;
};

const validators = {
  OpenTelemetryCollector: crdValidator('opentelemetry.io_opentelemetrycollectors.yaml', 'v1beta1'),
  PodMonitor: crdValidator('monitoring.coreos.com_podmonitors.yaml', 'v1'),
  PrometheusRule: crdValidator('monitoring.coreos.com_prometheusrules.yaml', 'v1'),
} as const;

function synthStack(rendering?: Rendering): Manifest[] {
  const app = Testing.app();
  // The default stack includes the alert rules and the TierMonitors addon.
  const stack = new ReferenceStack(app, 'stack', { rendering });
  return Testing.synth(stack) as Manifest[];
}

describe('the reference stack rendered for the OpenTelemetry Operator', () => {
  const manifests = synthStack(Rendering.operator());

  test('renders one OpenTelemetryCollector per tier, no plain collector workloads', () => {
    const crs = manifests.filter((m) => m.kind === 'OpenTelemetryCollector');
    expect(crs.map((c) => c.spec!.mode).sort()).toEqual(['daemonset', 'deployment', 'statefulset']);
    expect(manifests.filter((m) => ['DaemonSet', 'StatefulSet', 'Deployment'].includes(m.kind))).toEqual([]);
  });

  test('every custom resource validates against its CRD schema', () => {
    const checked: string[] = [];
    for (const m of manifests) {
      const validate = validators[m.kind as keyof typeof validators];
      if (!validate) continue;
      const what = `${m.kind} ${m.metadata.name}`;
      if (!validate(m)) throw new Error(`${what}:\n${describeErrors(validate.errors)}`);
      checked.push(m.kind);
    }
    expect(new Set(checked)).toEqual(new Set(['OpenTelemetryCollector', 'PodMonitor', 'PrometheusRule']));
  });

  test('the agent carries podtail in additionalContainers with its config volume; the gateway its Target Allocator', () => {
    const crs = manifests.filter((m) => m.kind === 'OpenTelemetryCollector');
    const agent = crs.find((c) => c.spec!.mode === 'daemonset')!;
    const podtail = (
      agent.spec!.additionalContainers as { name: string; volumeMounts?: { name: string }[] }[]
    )[0];
    expect(podtail).toBeDefined();
    const volumes = new Set((agent.spec!.volumes as { name: string }[]).map((v) => v.name));
    for (const m of podtail.volumeMounts ?? []) expect(volumes).toContain(m.name);
    // The operator does not create the sidecar's ConfigMaps: they are rendered beside the CR.
    for (const v of agent.spec!.volumes as { configMap?: { name: string } }[]) {
      if (v.configMap) {
        expect(manifests.some((m) => m.kind === 'ConfigMap' && m.metadata.name === v.configMap!.name)).toBe(
          true,
        );
      }
    }
    // The operator mounts its own config at /conf: the model's config mount is not carried.
    expect((agent.spec!.volumeMounts ?? []).map((m: { mountPath: string }) => m.mountPath)).not.toContain(
      '/conf',
    );
    const gateway = crs.find((c) => c.spec!.mode === 'statefulset')!;
    expect(gateway.spec!.targetAllocator).toMatchObject({ enabled: true });
    const sa = gateway.spec!.targetAllocator.serviceAccount as string;
    expect(manifests.some((m) => m.kind === 'ServiceAccount' && m.metadata.name === sa)).toBe(true);
    expect(
      manifests.some((m) => m.kind === 'ClusterRoleBinding' && JSON.stringify(m.subjects).includes(sa)),
    ).toBe(true);
  });

  test("passes the project's policies with cdk8s.yaml's plugin properties", () => {
    const config = parse(readFileSync(join(__dirname, '../../../cdk8s.yaml'), 'utf8')) as {
      validations?: { package: string; properties?: unknown }[];
    };
    const properties = config.validations?.find((v) => v.package === './policies')?.properties ?? {};
    const dir = mkdtempSync(join(tmpdir(), 'otel-tiers-operator-'));
    try {
      writeFileSync(join(dir, 'stack.k8s.yaml'), manifests.map((m) => stringify(m)).join('---\n'));
      const report = evaluate(loadManifests([dir]), properties);
      expect(report.failed ? formatTable(report) : 'passed').toBe('passed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every monitored job and container has alerts', () => {
    const rule = manifests.find((m) => m.kind === 'PrometheusRule')!;
    const containers = JSON.stringify(
      rule.spec!.groups.find((g: { name: string }) => g.name === 'otel-tiers.kube-state'),
    );
    for (const c of ['otc-container', 'ta-container', 'podtail']) expect(containers).toContain(c);
    const jobs = manifests
      .filter((m) => m.kind === 'PodMonitor')
      .map((m) => m.spec!.podMetricsEndpoints[0].relabelings[0].replacement as string);
    expect(jobs.sort()).toEqual([
      'otel-agent',
      'otel-cluster-agent',
      'otel-gateway',
      'otel-target-allocator',
      'podtail',
    ]);
    const exprs = JSON.stringify(rule.spec!.groups);
    for (const job of jobs) expect(exprs).toContain(`job=\\"${job}\\"`);
  });
});

describe('the reference stack with plain workloads', () => {
  test('monitors select the plain pods by the tier selector labels', () => {
    const manifests = synthStack();
    const monitors = manifests.filter((m) => m.kind === 'PodMonitor');
    expect(monitors.length).toBeGreaterThanOrEqual(4);
    const workloads = manifests.filter((m) => ['DaemonSet', 'StatefulSet', 'Deployment'].includes(m.kind));
    for (const mon of monitors) {
      if (!validators.PodMonitor(mon)) throw new Error(describeErrors(validators.PodMonitor.errors));
      const sel = mon.spec!.selector.matchLabels as Record<string, string>;
      const port = mon.spec!.podMetricsEndpoints[0].port as string;
      const match = workloads.find((w) => {
        const labels = w.spec!.template.metadata.labels as Record<string, string>;
        return Object.entries(sel).every(([k, v]) => labels[k] === v);
      });
      expect(match).toBeDefined();
      const ports = (match!.spec!.template.spec.containers as { ports?: { name: string }[] }[]).flatMap(
        (c) => c.ports ?? [],
      );
      expect(ports.map((p) => p.name)).toContain(port);
    }
  });
});

import { Chart, Testing } from 'cdk8s';
import { TelemetryPodMonitor, TelemetryServiceMonitor } from '../../../constructs/src/monitoring';
import { crdValidator, describeErrors } from '../operator/crd-validator';
import { promtoolPath } from './promtool';

type Manifest = {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
};

const validators: Record<string, ReturnType<typeof crdValidator>> = {
  PodMonitor: crdValidator('monitoring.coreos.com_podmonitors.yaml', 'v1'),
  ServiceMonitor: crdValidator('monitoring.coreos.com_servicemonitors.yaml', 'v1'),
};

describe('telemetry monitors', () => {
  test('PodMonitor and ServiceMonitor set the job label, validate against their CRDs', () => {
    const chart = new Chart(Testing.app(), 'm', { namespace: 'monitoring' });
    new TelemetryPodMonitor(chart, 'pod', {
      name: 'podtail',
      job: 'podtail',
      selector: { 'app.kubernetes.io/name': 'otel-agent' },
      port: 'podtail-metrics',
      labels: { release: 'prom' },
    });
    new TelemetryServiceMonitor(chart, 'svc', {
      name: 'otel-gateway',
      job: 'otel-gateway',
      selector: { 'app.kubernetes.io/name': 'otel-gateway' },
      port: 'metrics',
      interval: '15s',
    });
    const manifests = Testing.synth(chart) as Manifest[];
    expect(manifests.map((m) => m.kind).sort()).toEqual(['PodMonitor', 'ServiceMonitor']);
    for (const m of manifests) {
      const validate = validators[m.kind];
      const what = `${m.kind} ${m.metadata.name}`;
      if (!validate(m)) throw new Error(`${what}: ${describeErrors(validate.errors)}`);
      expect(m.metadata.namespace).toBe('monitoring');
      expect(m.spec.namespaceSelector).toEqual({ matchNames: ['monitoring'] });
    }
    const pod = manifests.find((m) => m.kind === 'PodMonitor')!;
    expect(pod.spec.podMetricsEndpoints).toEqual([
      {
        port: 'podtail-metrics',
        path: '/metrics',
        interval: '30s',
        relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'podtail' }],
      },
    ]);
    const svc = manifests.find((m) => m.kind === 'ServiceMonitor')!;
    expect((svc.spec.endpoints as { interval: string }[])[0].interval).toBe('15s');
  });

  test('invalid props name the key, the value and the fix', () => {
    const chart = new Chart(Testing.app(), 'm');
    expect(
      () => new TelemetryPodMonitor(chart, 'x', { name: 'x', job: 'x', selector: {}, port: 'metrics' }),
    ).toThrow(/TelemetryPodMonitor 'x': props.selector = \{\}: must select by at least one label/);
    expect(
      () =>
        new TelemetryServiceMonitor(chart, 'y', {
          name: 'y',
          job: 'y',
          selector: { a: 'b' },
          port: 'metrics',
          interval: 'often',
        }),
    ).toThrow(/TelemetryServiceMonitor 'y': props.interval = "often": must be a Prometheus duration/);
  });

  test('a missing promtool fails with the install hint', () => {
    expect(() => promtoolPath({ PATH: '/nonexistent' })).toThrow(/scripts\/install-test-deps\.sh/);
  });
});

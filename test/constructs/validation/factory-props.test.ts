import { Chart, Testing } from 'cdk8s';
import {
  AlertRules,
  ClusterScrape,
  Backend,
  Exporters,
  LogsSource,
  PropsError,
  ReferenceStack,
  TelemetryPodMonitor,
  TierMonitors,
  type AlertRulesProps,
  type OtlpBackendOptions,
  type ReferenceStackProps,
  type TelemetryMonitorProps,
  type TierMonitorsProps,
} from '../../../constructs/src';

function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PropsError);
    return [...(e as PropsError).problems];
  }
  throw new Error('expected a PropsError, nothing was thrown');
}
const cast = <T>(v: Record<string, unknown>) => v as unknown as T;

describe('Backend factories', () => {
  test('unknown options, wrong endpoints and signals name the factory, the backend and the option', () => {
    expect(
      problems(() =>
        Backend.otlp('main', cast<OtlpBackendOptions>({ endpoint: 'a.example:4317', header: {} })),
      ),
    ).toEqual(["Backend.otlp('main'): options.header is not a prop (did you mean headersFromSecrets?)"]);
    expect(problems(() => Backend.otlp('main', { endpoint: 'https://a.example' }))).toEqual([
      `Backend.otlp('main'): options.endpoint = "https://a.example": must be host:port, e.g. tempo.tracing.svc:4317 (for a URL use Backend.otlpHttp)`,
    ]);
    expect(problems(() => Backend.otlpHttp('v', { endpoint: 'a.example:4318' }))[0]).toMatch(
      /^Backend.otlpHttp\('v'\): options.endpoint = "a.example:4318": must be an http\(s\) URL/,
    );
    expect(
      problems(() => Backend.otlp('main', cast<OtlpBackendOptions>({ endpoint: 'a:1', signals: ['logz'] }))),
    ).toEqual([`Backend.otlp('main'): options.signals[0] = "logz": must be 'logs', 'metrics' or 'traces'`]);
    expect(problems(() => Backend.otlp('main', { endpoint: 'a:1', queueSize: 0 }))[0]).toMatch(
      /options.queueSize = 0: must be at least 1 batch/,
    );
    expect(problems(() => Backend.otlp('Main', { endpoint: 'a:1' }))).toEqual([
      `Backend.otlp('Main'): name = "Main": must be lowercase letters, digits and '-' (e.g. 'backend-a')`,
    ]);
  });

  test('Backend.custom checks the exporter and the options', () => {
    expect(problems(() => Backend.custom('c', cast<never>({ kind: 'exporter' })))[0]).toMatch(
      /^Backend.custom\('c'\): exporter = \{"kind":"exporter"\}: must be a CollectorComponent exporter/,
    );
    expect(
      problems(() => Backend.custom('c', Exporters.debug(), cast<OtlpBackendOptions>({ endpoint: 'x:1' }))),
    ).toEqual([
      "Backend.custom('c'): options.endpoint is not a prop (known: signals, when, headersFromSecrets, insecure, compression, queueSize, maxElapsedTime)",
    ]);
  });
});

describe('LogsSource factories', () => {
  test('podtail and filelog options are strict', () => {
    expect(problems(() => LogsSource.podtail(cast({ imag: 'x:1' })))).toEqual([
      'LogsSource.podtail(): options.imag is not a prop (did you mean image?)',
    ]);
    expect(problems(() => LogsSource.podtail({ image: 'ghcr.io/otel-tiers/podtail' }))[0]).toMatch(
      /^LogsSource.podtail\(\): options.image = "ghcr.io\/otel-tiers\/podtail": is not pinned/,
    );
    expect(problems(() => LogsSource.podtail({ containerdSocket: 'run/containerd.sock' }))[0]).toMatch(
      /options.containerdSocket = "run\/containerd.sock": must be an absolute path/,
    );
    expect(problems(() => LogsSource.filelog(cast({ startAt: 'middle' })))).toEqual([
      `LogsSource.filelog(): options.startAt = "middle": must be 'beginning' or 'end'`,
    ]);
    expect(problems(() => LogsSource.filelog(cast({ excludes: [] })))).toEqual([
      'LogsSource.filelog(): options.excludes is not a prop (did you mean exclude?)',
    ]);
  });
});

describe('AlertRules, monitors and the reference stack', () => {
  test('AlertRules refuses unknown props and names its id', () => {
    const chart = new Chart(Testing.app(), 'a', { namespace: 'monitoring' });
    expect(
      problems(() => new AlertRules(chart, 'alerts', cast<AlertRulesProps>({ tierz: ['agent'] }))),
    ).toEqual(["AlertRules 'alerts': props.tierz is not a prop (did you mean tiers?)"]);
    expect(
      problems(() => new AlertRules(chart, 'alerts2', cast<AlertRulesProps>({ thresholds: { restart: 3 } }))),
    ).toEqual([
      "AlertRules 'alerts2': props.thresholds.restart is not a key of props.thresholds (did you mean restarts?)",
    ]);
    expect(
      problems(() => new AlertRules(chart, 'alerts3', cast<AlertRulesProps>({ tiers: ['agents'] }))),
    ).toEqual([
      `AlertRules 'alerts3': props.tiers[0] = "agents": must be 'agent', 'gateway' or 'clusterAgent'`,
    ]);
  });

  test('monitors refuse unknown props', () => {
    const chart = new Chart(Testing.app(), 'm', { namespace: 'monitoring' });
    expect(
      problems(
        () =>
          new TelemetryPodMonitor(
            chart,
            'pm',
            cast<TelemetryMonitorProps>({
              name: 'x',
              job: 'x',
              selector: { a: 'b' },
              port: 'm',
              intervall: '1m',
            }),
          ),
      ),
    ).toEqual(["TelemetryPodMonitor 'pm': props.intervall is not a prop (did you mean interval?)"]);
    expect(problems(() => new TierMonitors(cast<TierMonitorsProps>({ podTail: false })))).toEqual([
      'TierMonitors: props.podTail is not a prop (did you mean podtail?)',
    ]);
    expect(problems(() => new TierMonitors({ interval: 'hourly' }))[0]).toMatch(
      /TierMonitors: props.interval = "hourly": must be a Prometheus duration/,
    );
  });

  test('ReferenceStack refuses unknown props and bad values before building anything', () => {
    expect(
      problems(() => new ReferenceStack(Testing.app(), 'stack', cast<ReferenceStackProps>({ backend: [] }))),
    ).toEqual(["ReferenceStack 'stack': props.backend is not a prop (did you mean backends?)"]);
    expect(problems(() => new ReferenceStack(Testing.app(), 'stack', { namespace: 'My NS' }))[0]).toMatch(
      /ReferenceStack 'stack': props.namespace = "My NS": must be a DNS-1123 label/,
    );
    expect(problems(() => new ReferenceStack(Testing.app(), 'stack', { backends: [] }))[0]).toMatch(
      /props.backends = \[\]: is empty/,
    );
    expect(
      problems(
        () => new ReferenceStack(Testing.app(), 'stack', cast<ReferenceStackProps>({ monitors: 'yes' })),
      ),
    ).toEqual([`ReferenceStack 'stack': props.monitors = "yes": must be true or false`]);
    // Its alert props reach AlertRules, which checks them with its own id.
    expect(
      problems(
        () =>
          new ReferenceStack(Testing.app(), 'stack', { alerts: cast<AlertRulesProps>({ podtale: false }) }),
      ),
    ).toEqual(["AlertRules 'alerts': props.podtale is not a prop (did you mean podtail?)"]);
  });
});

describe('ClusterScrape factories', () => {
  test('options are strict and checked', () => {
    expect(problems(() => ClusterScrape.kubeStateMetrics(cast({ namespaces: ['kube-system'] })))).toEqual([
      'ClusterScrape.kubeStateMetrics(): options.namespaces is not a prop (did you mean namespace?)',
    ]);
    expect(problems(() => ClusterScrape.apiserver({ interval: '30 seconds' }))).toEqual([
      'ClusterScrape.apiserver(): options.interval = "30 seconds": must be a duration such as 30s, 1m or 500ms',
    ]);
    expect(
      problems(() =>
        ClusterScrape.custom({ job_name: 'x' }, { scrapeRules: [{ resources: ['pods'], verbs: [] }] }),
      )[0],
    ).toMatch(
      /^ClusterScrape.custom\(\): options.scrapeRules\[0\].verbs = \[\]: must list at least one verb/,
    );
  });
});

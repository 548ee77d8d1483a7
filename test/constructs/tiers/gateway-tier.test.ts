import { parse } from 'yaml';
import { Backend, ClusterScrape, GatewayTier, Processors } from '../../../constructs/src';
import { CLUSTER_SCOPED, find, synthValid } from '../kube-validate';
import { BACKENDS, chart, podSpec, SCRAPES, type Json } from './helpers';

function config(objs: ReturnType<typeof synthValid>) {
  return parse(
    (find(objs, 'ConfigMap', 'otel-gateway-config').data as Record<string, string>)['collector.yaml'],
  );
}

describe('GatewayTier', () => {
  test('with cluster scrapes: StatefulSet, headless Service, Target Allocator, HPA, PDB; snapshot', () => {
    const c = chart();
    new GatewayTier(c, 'gateway', { backends: BACKENDS, clusterScrapes: SCRAPES });
    const objs = synthValid(c);
    expect(objs).toMatchSnapshot();
    const sts = find(objs, 'StatefulSet', 'otel-gateway').spec as Record<string, Json>;
    expect(sts.serviceName).toBe('otel-gateway-headless');
    expect(sts.replicas).toBeUndefined(); // the HPA owns it
    expect((find(objs, 'Service', 'otel-gateway-headless').spec as Record<string, unknown>).clusterIP).toBe(
      'None',
    );
    expect(find(objs, 'HorizontalPodAutoscaler', 'otel-gateway').spec).toMatchObject({
      scaleTargetRef: { kind: 'StatefulSet', name: 'otel-gateway' },
      minReplicas: 2,
      maxReplicas: 6,
    });
    expect(find(objs, 'PodDisruptionBudget', 'otel-gateway').spec).toMatchObject({ maxUnavailable: 1 });
    for (const o of objs) {
      if (CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
    }
  });

  test('Target Allocator: config, own ServiceAccount and least-privilege rules, receiver wired to it', () => {
    const c = chart();
    new GatewayTier(c, 'gateway', { backends: BACKENDS, clusterScrapes: SCRAPES });
    const objs = synthValid(c);
    const ta = parse(
      (find(objs, 'ConfigMap', 'otel-gateway-targetallocator').data as Record<string, string>)[
        'targetallocator.yaml'
      ],
    );
    expect(ta.allocation_strategy).toBe('consistent-hashing');
    expect(ta.filter_strategy).toBe('relabel-config');
    expect(ta.collector_selector.matchlabels).toEqual({
      'app.kubernetes.io/name': 'otel-gateway',
      'app.kubernetes.io/component': 'gateway',
    });
    expect(ta.config.scrape_configs.map((s: { job_name: string }) => s.job_name)).toEqual([
      'kube-state-metrics',
      'apiserver',
    ]);
    const dep = find(objs, 'Deployment', 'otel-gateway-targetallocator');
    expect(podSpec(dep).serviceAccountName).toBe('otel-gateway-targetallocator');
    expect(podSpec(dep).containers[0].image).toBe(
      'ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:0.158.0',
    );
    expect(find(objs, 'ClusterRole', 'monitoring-otel-gateway-targetallocator').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(find(objs, 'Role', 'otel-gateway-targetallocator').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(find(objs, 'Service', 'otel-gateway-targetallocator').spec).toMatchObject({
      ports: [{ port: 80, targetPort: 8080 }],
    });
    const cfg = config(objs);
    expect(cfg.receivers.prometheus).toEqual({
      config: {},
      target_allocator: {
        endpoint: 'http://otel-gateway-targetallocator:80',
        interval: '30s',
        collector_id: '${env:POD_NAME}',
      },
    });
    const col = podSpec(find(objs, 'StatefulSet', 'otel-gateway')).containers[0];
    expect(col.env).toContainEqual({
      name: 'POD_NAME',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    // The apiserver scrape needs /metrics on the collector's own identity.
    expect(find(objs, 'ClusterRole', 'monitoring-otel-gateway').rules).toContainEqual({
      nonResourceURLs: ['/metrics'],
      verbs: ['get'],
    });
  });

  test('without cluster scrapes: a Deployment and no Target Allocator', () => {
    const c = chart();
    new GatewayTier(c, 'gateway', { backends: BACKENDS, autoscaling: false, replicas: 3 });
    const objs = synthValid(c);
    expect((find(objs, 'Deployment', 'otel-gateway').spec as Record<string, unknown>).replicas).toBe(3);
    expect(objs.some((o) => o.kind === 'StatefulSet' || o.metadata.name.includes('targetallocator'))).toBe(
      false,
    );
    expect(objs.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  test('k8s_attributes with pod association by ip, uid, then connection, and its RBAC', () => {
    const c = chart();
    new GatewayTier(c, 'gateway', { backends: BACKENDS });
    const objs = synthValid(c);
    const cfg = config(objs);
    expect(cfg.processors.k8s_attributes.pod_association).toEqual([
      { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
      { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
      { sources: [{ from: 'connection' }] },
    ]);
    expect(find(objs, 'ClusterRole', 'monitoring-otel-gateway').rules).toEqual([
      { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('routing: one pipeline per backend and signal, conditional backends routed, catch-all as default', () => {
    const c = chart();
    new GatewayTier(c, 'gateway', { backends: BACKENDS });
    const cfg = config(synthValid(c));
    expect(cfg.connectors['routing/logs']).toEqual({
      error_mode: 'ignore',
      default_pipelines: ['logs/primary'],
      table: [
        {
          context: 'resource',
          condition: 'resource.attributes["k8s.namespace.name"] == "prod"',
          pipelines: ['logs/vendor', 'logs/primary'],
        },
      ],
    });
    expect(cfg.service.pipelines['logs']).toEqual({
      receivers: ['otlp'],
      processors: ['memory_limiter', 'k8s_attributes', 'batch'],
      exporters: ['routing/logs'],
    });
    expect(cfg.service.pipelines['logs/vendor']).toEqual({
      receivers: ['routing/logs'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['otlp_http/vendor'],
    });
    for (const e of ['otlp_grpc/primary', 'otlp_http/vendor']) {
      expect(cfg.exporters[e].sending_queue).toMatchObject({ enabled: true });
      expect(cfg.exporters[e].retry_on_failure).toMatchObject({ enabled: true });
    }
  });

  test('no conditional backend: a forward connector fans out; signals limited per backend', () => {
    const c = chart();
    new GatewayTier(c, 'gateway', {
      backends: [
        Backend.otlp('a', { endpoint: 'a.example:4317' }),
        Backend.otlp('b', { endpoint: 'b.example:4317', signals: ['metrics'] }),
      ],
    });
    const cfg = config(synthValid(c));
    expect(Object.keys(cfg.connectors)).toEqual(['forward/logs', 'forward/metrics', 'forward/traces']);
    expect(Object.keys(cfg.service.pipelines).sort()).toEqual(
      ['logs', 'logs/a', 'metrics', 'metrics/a', 'metrics/b', 'traces', 'traces/a'].sort(),
    );
  });

  test('backend credentials only from Secrets, as env valueFrom', () => {
    const c = chart();
    new GatewayTier(c, 'gateway', { backends: BACKENDS });
    const objs = synthValid(c);
    const cfg = config(objs);
    expect(cfg.exporters['otlp_http/vendor'].headers).toEqual({
      'api-key': '${env:OTEL_HDR_OTLP_HTTP_VENDOR_API_KEY}',
    });
    const col = podSpec(find(objs, 'Deployment', 'otel-gateway')).containers[0];
    expect(col.env).toContainEqual({
      name: 'OTEL_HDR_OTLP_HTTP_VENDOR_API_KEY',
      valueFrom: { secretKeyRef: { name: 'vendor-otlp', key: 'api-key' } },
    });
    // A plain `headers` option does not exist: inline values are rejected by the schema.
    expect(() =>
      Backend.otlpHttp('x', {
        endpoint: 'https://x.example',
        headersFromSecrets: { k: 'inline' as never },
      }).exporter(),
    ).toThrow(
      /Backend.otlpHttp\('x'\): options.headersFromSecrets.k = "inline": must be \{ secretName, key \}: the Secret key holding the value, never the value itself/,
    );
  });

  test('user processors added to the ingest pipelines go before batch and are validated', () => {
    const c = chart();
    const gw = new GatewayTier(c, 'gateway', { backends: BACKENDS });
    gw.config.addProcessor(
      Processors.filter({ name: 'health', span: ['attributes["http.route"] == "/healthz"'] }),
    );
    gw.config.extendPipeline('traces', { processors: ['filter/health'] });
    const cfg = config(synthValid(c));
    expect(cfg.service.pipelines.traces.processors).toEqual([
      'memory_limiter',
      'k8s_attributes',
      'filter/health',
      'batch',
    ]);

    const c2 = chart();
    const gw2 = new GatewayTier(c2, 'gateway', { backends: BACKENDS });
    gw2.config.addProcessor(Processors.filter({ name: 'health', span: ['true'] }));
    gw2.config.extendPipeline('logs', { processors: ['filter/health'] });
    expect(() => synthValid(c2)).toThrow(
      /GatewayTier 'otel-gateway': pipeline logs uses processor 'filter\/health' which does not support logs/,
    );
  });

  test('prop errors name the tier and the fix', () => {
    expect(() => new GatewayTier(chart(), 'g', { backends: [] })).toThrow(
      /GatewayTier 'g': props.backends = \[\]: is empty; give at least one/,
    );
    expect(
      () =>
        new GatewayTier(chart(), 'g', {
          backends: [Backend.otlp('a', { endpoint: 'a:1' }), Backend.otlp('a', { endpoint: 'b:1' })],
        }),
    ).toThrow(/two backends are named 'a'/);
    expect(
      () =>
        new GatewayTier(chart(), 'g', {
          backends: BACKENDS,
          clusterScrapes: [ClusterScrape.apiserver(), ClusterScrape.apiserver()],
        }),
    ).toThrow(/two cluster scrapes have job_name 'apiserver'/);
    expect(
      () =>
        new GatewayTier(chart(), 'g', {
          backends: BACKENDS,
          autoscaling: { minReplicas: 5, maxReplicas: 2 },
        }),
    ).toThrow(/GatewayTier 'g': props.autoscaling.minReplicas = 5: is above maxReplicas \(2\)/);
  });
});

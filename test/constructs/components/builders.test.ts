import { Connectors, Exporters, Extensions, Processors, Receivers } from '../../../constructs/src';

describe('component builders: upstream keys', () => {
  test('memory_limiter and batch', () => {
    expect(Processors.memoryLimiter().config).toEqual({
      check_interval: '1s',
      limit_percentage: 80,
      spike_limit_percentage: 25,
    });
    expect(Processors.batch({ timeout: '1s' }).config).toEqual({
      send_batch_size: 8192,
      send_batch_max_size: 10000,
      timeout: '1s',
    });
  });

  test('option errors name the component, key, value and rule', () => {
    expect(() => Processors.memoryLimiter({ limitPercentage: 50, spikeLimitPercentage: 60 })).toThrow(
      /invalid options for processor memory_limiter:\n {2}- spikeLimitPercentage: spikeLimitPercentage must be lower than limitPercentage \(got 60\)/,
    );
    expect(() => Processors.batch({ timeout: 'soon' })).toThrow(
      /timeout: must be a Go duration such as 1s or 200ms \(got "soon"\)/,
    );
    expect(() => Exporters.otlp({ endpoint: 'https://x' })).toThrow(/endpoint: must be host:port/);
    expect(() => Receivers.otlp({ grpcEndpoint: false, httpEndpoint: false })).toThrow(/enable at least one/);
    expect(() => Connectors.routing({ signal: 'logs', table: [{ pipelines: ['logs/a'] }] })).toThrow(
      /give exactly one of condition or statement/,
    );
  });

  test('k8s_attributes passthrough needs no RBAC', () => {
    const p = Processors.k8sattributes({ passthrough: true });
    expect(p.type).toBe('k8s_attributes');
    expect(p.config).toEqual({ passthrough: true, pod_association: [{ sources: [{ from: 'connection' }] }] });
    expect(p.needs.clusterRules ?? []).toEqual([]);
  });

  test('transform and filter support only the signals they have statements for', () => {
    const t = Processors.transform({
      logStatements: [{ context: 'log', statements: ['set(severity_text, "INFO")'] }],
    });
    expect(t.signals).toEqual(['logs']);
    expect(t.config).toEqual({
      error_mode: 'ignore',
      log_statements: [{ context: 'log', statements: ['set(severity_text, "INFO")'] }],
    });
    const f = Processors.filter({ metric: ['name == "x"'] });
    expect(f.signals).toEqual(['metrics']);
    expect(f.config).toEqual({ error_mode: 'ignore', metrics: { metric: ['name == "x"'] } });
  });

  test('resource and attributes actions', () => {
    expect(
      Processors.resource({ actions: [{ key: 'cluster', value: 'prod', action: 'upsert' }] }).config,
    ).toEqual({
      attributes: [{ key: 'cluster', value: 'prod', action: 'upsert' }],
    });
    expect(Processors.attributes({ name: 'x', actions: [{ key: 'password', action: 'delete' }] }).id).toBe(
      'attributes/x',
    );
  });

  test('loadbalancing exporter with the k8s resolver gets endpoint RBAC in its namespace', () => {
    const lb = Exporters.loadbalancing({ k8sService: 'sampler.monitoring', routingKey: 'traceID' });
    expect(lb.config).toEqual({
      routing_key: 'traceID',
      protocol: { otlp: { tls: { insecure: true } } },
      resolver: { k8s: { service: 'sampler.monitoring', ports: [4317] } },
    });
    expect(lb.needs.namespaceRules).toContainEqual({
      apiGroups: ['discovery.k8s.io'],
      resources: ['endpointslices'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(() => Exporters.loadbalancing({})).toThrow(/give exactly one of k8sService or dnsHostname/);
  });

  test('k8s_objects derives read RBAC per group from its objects', () => {
    const r = Receivers.k8sobjects({
      objects: [
        { name: 'events', group: 'events.k8s.io' },
        { name: 'pods', mode: 'pull', interval: '1m' },
      ],
    });
    expect(r.needs.clusterRules).toEqual([
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('debug, forward, health_check, file_storage', () => {
    expect(Exporters.debug().config).toEqual({ verbosity: 'basic' });
    expect(Connectors.forward({ name: 'x', signals: ['logs'] }).connects).toEqual([
      { from: 'logs', to: 'logs' },
    ]);
    expect(Extensions.healthCheck({ endpoint: '0.0.0.0:13134', path: '/health' }).ports()).toEqual([
      { name: 'health', port: 13134, protocol: 'TCP', expose: false },
    ]);
    expect(Extensions.fileStorage().needs.hostMounts).toEqual([
      {
        name: 'state-file-storage',
        hostPath: '/var/lib/otelcol/file_storage',
        mountPath: '/var/lib/otelcol/file_storage',
        type: 'DirectoryOrCreate',
        readOnly: false,
      },
    ]);
  });
});

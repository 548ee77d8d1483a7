import {
  CollectorComponent,
  CollectorConfig,
  Connectors,
  Exporters,
  Extensions,
  Processors,
  Receivers,
} from '../../../constructs/src';

const OWNER = "GatewayTier 'gateway'";

/** A config that validates: otlp -> memory_limiter, batch -> debug, with health_check. */
function base(): CollectorConfig {
  const c = new CollectorConfig();
  c.addExtension(Extensions.healthCheck());
  c.addReceiver(Receivers.otlp());
  c.addProcessor(Processors.memoryLimiter());
  c.addProcessor(Processors.batch());
  c.addExporter(Exporters.debug());
  c.setPipeline('logs', {
    receivers: ['otlp'],
    processors: ['memory_limiter', 'batch'],
    exporters: ['debug'],
  });
  return c;
}

describe('CollectorConfig validation', () => {
  test('a complete config has no errors', () => {
    expect(base().validate(OWNER)).toEqual([]);
  });

  test('an undefined exporter is named with tier, pipeline and component, and the fix', () => {
    const c = base();
    c.setPipeline('logs/backend-a', {
      receivers: ['otlp'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['otlp/a'],
    });
    expect(c.validate(OWNER)).toContain(
      "GatewayTier 'gateway': pipeline logs/backend-a uses exporter 'otlp/a' which is not defined; define it with config.addExporter(...) (or config.addConnector(...)) or remove it from the pipeline",
    );
  });

  test('an undefined processor and receiver are reported', () => {
    const c = base();
    c.setPipeline('metrics', {
      receivers: ['prometheus'],
      processors: ['memory_limiter', 'filter', 'batch'],
      exporters: ['debug'],
    });
    const errors = c.validate(OWNER).join('\n');
    expect(errors).toMatch(/pipeline metrics uses receiver 'prometheus' which is not defined/);
    expect(errors).toMatch(
      /pipeline metrics uses processor 'filter' which is not defined; define it with config.addProcessor/,
    );
  });

  test('a defined but unused component is an error', () => {
    const c = base();
    c.addExporter(Exporters.debug({ name: 'spare' }));
    expect(c.validate(OWNER)).toEqual([
      `${OWNER}: exporter 'debug/spare' is defined but no pipeline uses it; add it to a pipeline or remove it with config.remove('exporter', 'debug/spare')`,
    ]);
  });

  test('a component in a pipeline of a signal it does not support', () => {
    const c = base();
    c.addReceiver(Receivers.hostmetrics());
    c.extendPipeline('logs', { receivers: ['hostmetrics'] });
    expect(c.validate(OWNER).join('\n')).toMatch(
      /pipeline logs uses receiver 'hostmetrics' which does not support logs \(it supports metrics\)/,
    );
  });

  test('a connector used on one side only', () => {
    const c = base();
    c.addConnector(Connectors.forward({ name: 'x' }));
    c.setPipeline('logs', {
      receivers: ['otlp'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['debug', 'forward/x'],
    });
    expect(c.validate(OWNER).join('\n')).toMatch(
      /connector 'forward\/x' is used only as an exporter .*a connector must be an exporter of one pipeline and a receiver of another/,
    );
  });

  test('a connector joining signals it does not connect', () => {
    const c = base();
    c.addConnector(
      Connectors.routing({
        name: 'r',
        signal: 'logs',
        table: [{ condition: 'true', pipelines: ['metrics/x'] }],
      }),
    );
    c.setPipeline('logs', {
      receivers: ['otlp'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['routing/r'],
    });
    c.setPipeline('metrics/x', {
      receivers: ['routing/r'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['debug'],
    });
    expect(c.validate(OWNER).join('\n')).toMatch(
      /pipeline metrics\/x uses connector 'routing\/r' as a receiver but it does not emit metrics; supported pairs: logs->logs/,
    );
  });

  test('memory_limiter missing or not first', () => {
    const c = base();
    c.setPipeline('logs', {
      receivers: ['otlp'],
      processors: ['batch', 'memory_limiter'],
      exporters: ['debug'],
    });
    expect(c.validate(OWNER)).toContain(
      `${OWNER}: pipeline logs has processor 'memory_limiter' at position 2; the memory_limiter must be the first processor`,
    );
    c.setPipeline('logs', { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] });
    expect(c.validate(OWNER).join('\n')).toMatch(
      /pipeline logs has no memory_limiter processor; put a memory_limiter first/,
    );
  });

  test('batch missing', () => {
    const c = base();
    c.setPipeline('logs', { receivers: ['otlp'], processors: ['memory_limiter'], exporters: ['debug'] });
    expect(c.validate(OWNER).join('\n')).toMatch(
      /pipeline logs has no batch processor; add a batch processor/,
    );
  });

  test('health_check missing', () => {
    const c = base();
    c.remove('extension', 'health_check');
    expect(c.validate(OWNER).join('\n')).toMatch(/no health_check extension is enabled; the probes need it/);
  });

  test('a referenced storage extension must be defined', () => {
    const c = base();
    c.addReceiver(Receivers.filelog({ storage: 'file_storage/missing' }));
    c.extendPipeline('logs', { receivers: ['filelog'] });
    expect(c.validate(OWNER).join('\n')).toMatch(
      /receiver 'filelog' references extension 'file_storage\/missing' which is not defined/,
    );
  });

  test('bad pipeline names and empty pipelines', () => {
    const c = base();
    c.setPipeline('profiles', { receivers: ['otlp'], exporters: ['debug'] });
    c.setPipeline('traces', { receivers: [], processors: ['memory_limiter', 'batch'], exporters: [] });
    const errors = c.validate(OWNER).join('\n');
    expect(errors).toMatch(/pipeline 'profiles' has an unknown signal 'profiles'/);
    expect(errors).toMatch(/pipeline traces has no receivers/);
    expect(errors).toMatch(/pipeline traces has no exporters/);
  });

  test('escape hatch: override merges, null deletes, replace swaps, hand-made components validate', () => {
    const c = base();
    c.override('processor', 'batch', { timeout: '1s', send_batch_max_size: null });
    expect(c.toJson().processors).toMatchObject({ batch: { timeout: '1s', send_batch_size: 8192 } });
    expect(
      (c.toJson().processors as Record<string, Record<string, unknown>>).batch.send_batch_max_size,
    ).toBeUndefined();
    expect(() => c.override('exporter', 'nope', {})).toThrow(
      /cannot override exporter 'nope': it is not defined .* add it with config.addExporter/,
    );
    c.addProcessor(
      new CollectorComponent({
        kind: 'processor',
        type: 'groupbyattrs',
        config: { keys: ['a'] },
        signals: ['traces'],
      }),
    );
    c.extendPipeline('logs', { processors: ['groupbyattrs'] });
    expect(c.pipeline('logs')?.processors).toEqual(['memory_limiter', 'groupbyattrs', 'batch']);
    expect(c.validate(OWNER).join('\n')).toMatch(/processor 'groupbyattrs' which does not support logs/);
    expect(() => c.addExporter(Exporters.debug())).toThrow(/exporter 'debug' is already defined/);
    expect(() => c.addReceiver(Exporters.debug({ name: 'x' }))).toThrow(
      /addReceiver\(\) was given exporter 'debug\/x'; use addExporter\(\)/,
    );
  });

  test('ports are derived from receiver endpoints', () => {
    const c = base();
    c.override('receiver', 'otlp', { protocols: { grpc: { endpoint: '0.0.0.0:14317' } } });
    const ports = c.ports();
    expect(ports).toEqual(
      expect.arrayContaining([
        { name: 'otlp-grpc', port: 14317, protocol: 'TCP', expose: true },
        { name: 'otlp-http', port: 4318, protocol: 'TCP', expose: true },
        { name: 'health', port: 13133, protocol: 'TCP', expose: false },
        { name: 'metrics', port: 8888, protocol: 'TCP', expose: false },
      ]),
    );
  });
});

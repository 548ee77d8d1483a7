jest.setTimeout(60_000);
import { append, cri, logFile, startEngine, waitFor, useNodeAndSink } from './helpers';
import { decodeLogs } from './otlp';
import { OtlpHttpExporter, isLoopback, parseRetryAfter } from '../../../runtime/src/export/otlphttp-exporter';

describe('otlphttp exporter against a real local HTTP sink', () => {
  const env = useNodeAndSink();

  const decodedAll = () =>
    env.sink.requests.filter((r) => r.path === '/v1/logs').flatMap((r) => decodeLogs(r.body));

  it('posts gzip protobuf to /v1/logs, batched by count, with the configured headers', async () => {
    const p = logFile(env.node, 'default', 'web', 'app', 1);
    let text = '';
    for (let i = 0; i < 250; i++) text += cri(`line ${i}`);
    append(p, text);
    const engine = await startEngine(env.node, {
      exporter: {
        type: 'otlphttp',
        endpoint: env.sink.url,
        compression: 'gzip',
        headers: { 'x-tenant': 'a' },
        batch: { maxRecords: 100, maxDelayMs: 50 },
      },
    });
    await waitFor(() => decodedAll().length === 250, 10_000, '250 records');
    await engine.stop();
    const reqs = env.sink.requests.filter((r) => r.path === '/v1/logs');
    expect(reqs.length).toBeGreaterThanOrEqual(3);
    expect(reqs[0].headers['content-encoding']).toBe('gzip');
    expect(reqs[0].headers['content-type']).toBe('application/x-protobuf');
    expect(reqs[0].headers['x-tenant']).toBe('a');
    for (const r of reqs) expect(decodeLogs(r.body).length).toBeLessThanOrEqual(100);
    const all = decodedAll();
    expect(all.map((r) => r.body)).toEqual(Array.from({ length: 250 }, (_, i) => `line ${i}`));
    expect(all[0].resource).toEqual({
      'k8s.namespace.name': 'default',
      'k8s.pod.name': 'web',
      'k8s.pod.uid': 'uid-web',
      'k8s.container.name': 'app',
      'k8s.container.restart_count': 1,
      'k8s.node.name': 'node-1',
    });
    expect(all[0].attributes).toEqual({
      'log.iostream': 'stdout',
      'log.file.path': '/var/log/pods/default_web_uid-web/app/1.log',
    });
    expect(all[0].time).toMatch(/^\d{19}$/);
  });

  it('batches by bytes and by time', async () => {
    const p = logFile(env.node, 'default', 'web', 'app');
    let text = '';
    for (let i = 0; i < 40; i++) text += cri(`${i} ${'z'.repeat(1000)}`);
    append(p, text);
    const engine = await startEngine(env.node, {
      exporter: {
        type: 'otlphttp',
        endpoint: env.sink.url,
        compression: 'none',
        batch: { maxBytes: 8 * 1024, maxDelayMs: 5000 },
      },
    });
    await waitFor(() => decodedAll().length === 40, 10_000, 'all by bytes');
    for (const r of env.sink.requests) expect(r.body.length).toBeLessThan(16 * 1024);
    const t0 = Date.now();
    append(p, cri('alone'));
    await waitFor(() => decodedAll().some((r) => r.body === 'alone'), 10_000, 'timed batch');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4000);
    await engine.stop();
  });

  it('compression auto: none to a loopback endpoint, gzip elsewhere', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('collector.monitoring.svc')).toBe(false);
    const opts = { headers: {}, timeoutMs: 1000, retry: { initialIntervalMs: 1, maxIntervalMs: 1 } };
    expect(
      new OtlpHttpExporter({ ...opts, endpoint: 'http://localhost:4318', compression: 'auto' }).gzip,
    ).toBe(false);
    expect(new OtlpHttpExporter({ ...opts, endpoint: 'http://gw:4318', compression: 'auto' }).gzip).toBe(
      true,
    );
    expect(
      new OtlpHttpExporter({ ...opts, endpoint: 'http://localhost:4318', compression: 'gzip' }).gzip,
    ).toBe(true);
  });

  it('parses Retry-After in seconds and as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 2000).toUTCString(), Date.now())).toBeGreaterThan(500);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

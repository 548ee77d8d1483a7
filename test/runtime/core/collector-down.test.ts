jest.setTimeout(60_000);
import { append, cri, logFile, sleep, startEngine, waitFor, useNodeAndSink } from './helpers';
import { decodeLogs } from './otlp';

async function gauge(engine: { registry: import('prom-client').Registry }, name: string): Promise<number> {
  const m = await engine.registry.getSingleMetric(name)!.get();
  return m.values.reduce((a, v) => a + v.value, 0);
}

describe.each([
  [503, { 'retry-after': '1' }],
  [429, { 'retry-after': '1' }],
])('collector answering %d for a while', (status, headers) => {
  const env = useNodeAndSink();

  it('pauses reading with bounded in-flight bytes, honours Retry-After, drops nothing after it recovers', async () => {
    let down = true;
    env.sink.respond = () => (down ? { status, headers } : { status: 200 });
    const files = [logFile(env.node, 'default', 'a', 'app'), logFile(env.node, 'default', 'b', 'app')];
    const expected: string[] = [];
    for (const [k, p] of files.entries()) {
      let text = '';
      for (let i = 0; i < 6000; i++) {
        const m = `f${k} line ${i} ${'p'.repeat(150)}`;
        expected.push(m);
        text += cri(m);
      }
      append(p, text); // ~2.3 MB in all
    }
    const maxInFlightBytes = 256 * 1024;
    const engine = await startEngine(env.node, {
      exporter: {
        type: 'otlphttp',
        endpoint: env.sink.url,
        maxInFlightBytes,
        batch: { maxRecords: 500, maxDelayMs: 50 },
        retry: { initialIntervalMs: 50, maxIntervalMs: 200 },
      },
    });
    let peak = 0;
    const sampler = setInterval(() => {
      void gauge(engine, 'podtail_inflight_bytes').then((v) => (peak = Math.max(peak, v)));
    }, 20);
    await sleep(2500);
    expect(env.sink.requests).toHaveLength(0);
    const failures = (await engine.registry.getSingleMetric('podtail_export_failures_total')!.get()).values;
    const attempts = failures.find((v) => v.labels.reason === String(status))?.value ?? 0;
    // Retry-After: 1 s overrides the 50 ms backoff: a handful of attempts, not dozens.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(await gauge(engine, 'podtail_inflight_bytes')).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(maxInFlightBytes + 64 * 1024);
    const degraded = (await engine.registry.getSingleMetric('podtail_degraded')!.get()).values;
    expect(degraded.find((v) => v.labels.component === 'export')?.value).toBe(1);
    down = false;
    await waitFor(() => env.sink.requests.length > 0, 10_000, 'first delivery');
    await waitFor(() => engine.stats.inFlightBytes === 0 || env.sink.requests.length > 2, 10_000, 'progress');
    const after = (await engine.registry.getSingleMetric('podtail_degraded')!.get()).values;
    expect(after.find((v) => v.labels.component === 'export')?.value).toBe(0);
    const got = () => env.sink.requests.flatMap((r) => decodeLogs(r.body).map((d) => d.body as string));
    await waitFor(() => got().length >= expected.length, 30_000, 'catch-up');
    clearInterval(sampler);
    expect(peak).toBeLessThanOrEqual(maxInFlightBytes + 64 * 1024);
    await engine.stop();
    expect(new Set(got())).toEqual(new Set(expected));
    // in order per file
    for (const k of [0, 1]) {
      const mine = got().filter((m) => m.startsWith(`f${k} `));
      expect(mine).toEqual(expected.filter((m) => m.startsWith(`f${k} `)));
    }
  });
});

describe('stopping while the collector is down', () => {
  const env = useNodeAndSink();

  it('gives up after shutdownTimeoutMs without moving cursors; the next start delivers everything', async () => {
    let down = true;
    env.sink.respond = () => (down ? { status: 503 } : { status: 200 });
    const p = logFile(env.node, 'default', 'a', 'app');
    append(p, cri('one') + cri('two'));
    const exporter = {
      type: 'otlphttp',
      endpoint: env.sink.url,
      shutdownTimeoutMs: 300,
      batch: { maxDelayMs: 20 },
      retry: { initialIntervalMs: 50, maxIntervalMs: 100 },
    };
    let engine = await startEngine(env.node, { exporter });
    await sleep(400);
    const t0 = Date.now();
    await engine.stop();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(env.sink.requests).toHaveLength(0);
    down = false;
    engine = await startEngine(env.node, { exporter });
    const got = () => env.sink.requests.flatMap((r) => decodeLogs(r.body).map((d) => d.body));
    await waitFor(() => got().length >= 2, 10_000, 'delivered after restart');
    await engine.stop();
    expect(got()).toEqual(['one', 'two']);
  });
});

describe('lag while the collector is down', () => {
  const env = useNodeAndSink();

  it('podtail_lag_bytes is the file size minus the acknowledged offset; bytes_read_total the bytes of the file', async () => {
    let down = false;
    env.sink.respond = () => (down ? { status: 503 } : { status: 200 });
    const p = logFile(env.node, 'default', 'web', 'app');
    let first = '';
    for (let i = 0; i < 50; i++) first += cri(`acked ${i}`);
    append(p, first);
    const engine = await startEngine(env.node, {
      exporter: {
        type: 'otlphttp',
        endpoint: env.sink.url,
        batch: { maxDelayMs: 20 },
        retry: { initialIntervalMs: 50, maxIntervalMs: 100 },
      },
    });
    const lag = async (): Promise<number> => {
      const m = await engine.registry.getSingleMetric('podtail_lag_bytes')!.get();
      const v = m.values.find((x) => x.labels.namespace === 'default' && x.labels.pod === 'web');
      return v?.value ?? -1;
    };
    const got = () => env.sink.requests.flatMap((r) => decodeLogs(r.body).map((d) => d.body));
    try {
      await waitFor(() => got().length === 50 && engine.stats.inFlightBytes === 0, 10_000, 'first part');
      const acked = Buffer.byteLength(first);
      expect(await lag()).toBe(0);
      down = true;
      let second = '';
      for (let i = 0; i < 80; i++) second += cri(`pending ${i} ${'z'.repeat(40)}`);
      append(p, second);
      const size = acked + Buffer.byteLength(second);
      await waitFor(() => engine.stats.inFlightBytes === size - acked, 10_000, 'second part read');
      await sleep(300);
      expect(await gauge(engine, 'podtail_bytes_read_total')).toBe(size);
      // nothing of the second part is acknowledged: the lag is exactly its bytes
      expect(await lag()).toBe(size - acked);
      expect(await lag()).toBeGreaterThan(0);
      down = false;
      await waitFor(() => got().length === 130 && engine.stats.inFlightBytes === 0, 10_000, 'catch-up');
      expect(await lag()).toBe(0);
      expect(await gauge(engine, 'podtail_bytes_read_total')).toBe(size);
    } finally {
      await engine.stop();
    }
  });
});

jest.setTimeout(60_000);
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { createLogger } from '../../../runtime/src/telemetry/logger';
import { parsePartialSuccess } from '../../../runtime/src/export/otlphttp-exporter';
import { append, cri, logFile, sleep, startEngine, waitFor, type Sink, useNodeAndSink } from './helpers';
import { decodeLogs } from './otlp';

/** Sum of a metric's series whose labels include `labels`. */
async function metric(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) throw new Error(`no metric ${name}`);
  const values = (await m.get()).values;
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((a, v) => a + v.value, 0);
}

function captureLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger('info', {
    write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>),
  });
  return { log, lines };
}

const delivered = (sink: Sink): string[] =>
  sink.requests
    .filter((r) => r.path === '/v1/logs')
    .flatMap((r) => decodeLogs(r.body).map((d) => d.body as string));

const exporterConfig = (sink: Sink, extra: Record<string, unknown> = {}) => ({
  type: 'otlphttp',
  endpoint: sink.url,
  batch: { maxRecords: 100, maxDelayMs: 20 },
  retry: { initialIntervalMs: 50, maxIntervalMs: 100 },
  ...extra,
});

describe.each([
  [401, 'exporter.headers'],
  [403, 'exporter.headers'],
  [404, '/v1/logs'],
  [415, 'exporter.endpoint'],
])('collector answering %d', (status, hint) => {
  const env = useNodeAndSink();

  it('retries forever with reading paused, logs what the status means; delivers everything once it recovers', async () => {
    let down = true;
    env.sink.respond = () => ({ status: down ? status : 200 });
    const files = [logFile(env.node, 'default', 'a', 'app'), logFile(env.node, 'other', 'b', 'app')];
    const expected: string[][] = [[], []];
    let total = 0;
    for (const [k, p] of files.entries()) {
      let text = '';
      for (let i = 0; i < 2500; i++) {
        const m = `f${k} line ${i} ${'x'.repeat(200)}`;
        expected[k].push(m);
        text += cri(m);
      }
      append(p, text);
      total += Buffer.byteLength(text);
    }
    const { log, lines } = captureLog();
    const maxInFlightBytes = 64 * 1024;
    const engine = await startEngine(
      env.node,
      { exporter: exporterConfig(env.sink, { maxInFlightBytes }) },
      { extensions: () => [], log },
    );
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, engine.stats.inFlightBytes)), 10);
    try {
      await waitFor(() => env.sink.attempts.length >= 3, 10_000, 'retries');
      await sleep(300);
      expect(env.sink.requests).toHaveLength(0);
      expect(
        await metric(engine.registry, 'podtail_export_failures_total', { reason: String(status) }),
      ).toBeGreaterThanOrEqual(3);
      expect(await metric(engine.registry, 'podtail_degraded', { component: 'export' })).toBe(1);
      expect(await metric(engine.registry, 'podtail_records_dropped_total')).toBe(0);
      expect(await metric(engine.registry, 'podtail_records_exported_total')).toBe(0);
      // Reading paused at the in-flight bound: far from all of the ~1.3 MB was read.
      expect(await metric(engine.registry, 'podtail_bytes_read_total')).toBeLessThan(total / 4);
      expect(peak).toBeLessThanOrEqual(maxInFlightBytes + 64 * 1024);
      // One log line per reason per 10 s, saying what it means and how to fix it.
      const failed = lines.filter((l) => l.msg === 'export failed; retrying');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ level: 'warn', reason: String(status) });
      expect(String(failed[0].hint)).toContain(hint);
      expect(String(failed[0].hint)).toContain('nothing is dropped');

      down = false;
      const want = expected[0].length + expected[1].length;
      await waitFor(() => delivered(env.sink).length >= want, 30_000, 'catch-up');
      await waitFor(() => engine.stats.inFlightBytes === 0, 10_000, 'all acknowledged');
      expect(await metric(engine.registry, 'podtail_degraded', { component: 'export' })).toBe(0);
      expect(peak).toBeLessThanOrEqual(maxInFlightBytes + 64 * 1024);
    } finally {
      clearInterval(sampler);
      await engine.stop();
    }
    const got = delivered(env.sink);
    expect(got).toHaveLength(expected[0].length + expected[1].length);
    for (const k of [0, 1]) expect(got.filter((m) => m.startsWith(`f${k} `))).toEqual(expected[k]);
    expect(await metric(engine.registry, 'podtail_records_exported_total')).toBe(got.length);
    expect(await metric(engine.registry, 'podtail_bytes_read_total')).toBe(total);
    // Acknowledged payload bytes: exactly the request bodies the env.sink answered 200.
    const acked = env.sink.requests.filter((r) => r.path === '/v1/logs').reduce((a, r) => a + r.wireBytes, 0);
    expect(await metric(engine.registry, 'podtail_bytes_exported_total')).toBe(acked);
    const cursors = JSON.parse(readFileSync(join(env.node.root, 'var/lib/podtail/cursors.json'), 'utf8')) as {
      files: Array<{ path: string; offset: number }>;
    };
    for (const p of files) {
      expect(cursors.files.find((c) => p.endsWith(c.path))?.offset).toBe(readFileSync(p).length);
    }
  });
});

describe('collector refusing the payload', () => {
  const env = useNodeAndSink();

  async function run(
    respond: Sink['respond'],
    lines: string[],
  ): Promise<{ got: string[]; registry: Registry; log: Array<Record<string, unknown>>; path: string }> {
    env.sink.respond = respond;
    const p = logFile(env.node, 'default', 'web', 'app');
    append(p, lines.map((m) => cri(m)).join(''));
    const { log, lines: logLines } = captureLog();
    const engine = await startEngine(
      env.node,
      { exporter: exporterConfig(env.sink) },
      { extensions: () => [], log },
    );
    try {
      await waitFor(
        () => engine.stats.inFlightBytes === 0 && engine.stats.queued === 0 && delivered(env.sink).length > 0,
        20_000,
        'everything acknowledged',
      );
      await waitFor(
        () => {
          const c = JSON.parse(readFileSync(join(env.node.root, 'var/lib/podtail/cursors.json'), 'utf8')) as {
            files: Array<{ offset: number }>;
          };
          return c.files[0]?.offset === readFileSync(p).length;
        },
        5000,
        'cursor at the end',
      );
    } finally {
      await engine.stop();
    }
    return { got: delivered(env.sink), registry: engine.registry, log: logLines, path: p };
  }

  it('413: splits the batch in halves until it fits; drops and counts only the record too large on its own', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(i === 150 ? `huge ${'H'.repeat(9000)}` : `small ${i}`);
    const limit = 6000;
    const { got, registry, log } = await run(
      (_path, body) => (body.length > limit ? { status: 413 } : { status: 200 }),
      lines,
    );
    expect(env.sink.attempts.some((a) => a.status === 413)).toBe(true);
    expect(got).toEqual(lines.filter((_, i) => i !== 150));
    expect(
      await metric(registry, 'podtail_records_dropped_total', { namespace: 'default', reason: 'rejected' }),
    ).toBe(1);
    expect(await metric(registry, 'podtail_failures_total', { kind: 'backpressure_drop' })).toBe(1);
    expect(await metric(registry, 'podtail_records_exported_total')).toBe(299);
    const refused = log.filter((l) => l.msg === 'the collector refused a record on its own; it is dropped');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: 'error', namespace: 'default', bodyBytes: 9005 });
    expect(String(refused[0].reason)).toMatch(/^HTTP 413/);
    expect(log.some((l) => l.msg === 'podtail failure: backpressure_drop' && l.count === 1)).toBe(true);
  });

  it('400: splits down to the malformed records; exactly those are dropped and counted', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 250; i++) lines.push(i === 7 || i === 201 ? `BAD record ${i}` : `good ${i}`);
    const { got, registry } = await run(
      (_path, body) =>
        decodeLogs(body).some((d) => String(d.body).startsWith('BAD'))
          ? { status: 400, body: 'malformed log record' }
          : { status: 200 },
      lines,
    );
    expect(got).toEqual(lines.filter((m) => !m.startsWith('BAD')));
    expect(
      await metric(registry, 'podtail_records_dropped_total', { namespace: 'default', reason: 'rejected' }),
    ).toBe(2);
    expect(await metric(registry, 'podtail_failures_total', { kind: 'backpressure_drop' })).toBe(2);
    expect(await metric(registry, 'podtail_records_exported_total')).toBe(248);
    expect(await metric(registry, 'podtail_export_failures_total', { reason: '400' })).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('200 with partial_success: the rejected count is dropped and counted, the rest acknowledged', async () => {
    const message = Buffer.from('2 records had invalid attributes');
    const inner = Buffer.concat([Buffer.from([0x08, 2, 0x12, message.length]), message]);
    const response = Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
    let first = true;
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const { got, registry, log } = await run(() => {
      if (!first) return { status: 200 };
      first = false;
      return { status: 200, body: response };
    }, lines);
    expect(got).toEqual(lines);
    expect(
      await metric(registry, 'podtail_records_dropped_total', { namespace: '', reason: 'rejected' }),
    ).toBe(2);
    expect(await metric(registry, 'podtail_failures_total', { kind: 'backpressure_drop' })).toBe(2);
    expect(await metric(registry, 'podtail_records_exported_total')).toBe(18);
    const partial = log.find((l) => String(l.msg).includes('partial success'));
    expect(partial).toMatchObject({ rejected: 2, message: '2 records had invalid attributes' });
  });
});

describe('parsePartialSuccess', () => {
  it('reads protobuf and JSON responses; an empty partial_success is a full success', () => {
    expect(parsePartialSuccess(Buffer.alloc(0), 'application/x-protobuf')).toBeUndefined();
    // partial_success { rejected_log_records: 300 (varint ac 02) }
    expect(parsePartialSuccess(Buffer.from([0x0a, 3, 0x08, 0xac, 0x02]), 'application/x-protobuf')).toEqual({
      rejected: 300,
      message: '',
    });
    expect(parsePartialSuccess(Buffer.from([0x0a, 0]), 'application/x-protobuf')).toBeUndefined();
    expect(
      parsePartialSuccess(
        Buffer.from(JSON.stringify({ partialSuccess: { rejectedLogRecords: '4', errorMessage: 'too old' } })),
        'application/json',
      ),
    ).toEqual({ rejected: 4, message: 'too old' });
    expect(parsePartialSuccess(Buffer.from('{}'), 'application/json')).toBeUndefined();
    expect(parsePartialSuccess(Buffer.from([0x0a, 9, 0x08]), 'application/x-protobuf')).toBeUndefined();
  });
});

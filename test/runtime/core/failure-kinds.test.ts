jest.setTimeout(60_000);
import { chmodSync, mkdirSync, readFileSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { createLogger } from '../../../runtime/src/telemetry/logger';
import {
  append,
  bodies,
  cri,
  logFile,
  sleep,
  startEngine,
  tempNode,
  waitFor,
  type Node,
  useNodeAndSink,
} from './helpers';
import { decodeLogs } from './otlp';

async function metric(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) throw new Error(`no metric ${name}`);
  return (await m.get()).values
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

describe('failure kinds', () => {
  let node: Node;
  beforeEach(() => (node = tempNode()));
  afterEach(() => node.cleanup());

  it('cursor_write_failed: a cursor directory that cannot be written counts, degrades cursors, and recovers', async () => {
    const dir = join(node.root, 'var/lib/podtail');
    const cursorOffset = (): number =>
      (JSON.parse(readFileSync(join(dir, 'cursors.json'), 'utf8')) as { files: Array<{ offset: number }> })
        .files[0]?.offset ?? -1;
    const p = logFile(node, 'default', 'a', 'app');
    append(p, cri('one'));
    const { log, lines } = captureLog();
    const engine = await startEngine(
      node,
      { cursors: { flushIntervalMs: 50 } },
      { extensions: () => [], log },
    );
    try {
      await waitFor(() => bodies(node).includes('one'));
      await waitFor(() => cursorOffset() === statSync(p).size, 5000, 'first cursor');
      const firstSize = statSync(p).size;
      expect(await metric(engine.registry, 'podtail_degraded', { component: 'cursors' })).toBe(0);

      // Read-only (mode bits stop a non-root podtail; root ignores them, so the temp file the
      // atomic write needs is taken by a directory as well).
      mkdirSync(join(dir, 'cursors.json.tmp'));
      chmodSync(dir, 0o555);
      append(p, cri('two'));
      await waitFor(() => bodies(node).includes('two'));
      await waitFor(() => lines.some((l) => l.msg === 'cannot write cursors'), 5000, 'the failed write');
      expect(
        await metric(engine.registry, 'podtail_failures_total', { kind: 'cursor_write_failed' }),
      ).toBeGreaterThanOrEqual(1);
      expect(await metric(engine.registry, 'podtail_degraded', { component: 'cursors' })).toBe(1);
      expect(cursorOffset()).toBe(firstSize);
      const failureLines = lines.filter((l) => l.msg === 'podtail failure: cursor_write_failed');
      expect(failureLines).toHaveLength(1);
      expect(failureLines[0]).toMatchObject({ level: 'warn', kind: 'cursor_write_failed', count: 1 });
      // the flush timer retries: still failing, counted again, still one log line within 10 s
      await sleep(300);
      expect(
        await metric(engine.registry, 'podtail_failures_total', { kind: 'cursor_write_failed' }),
      ).toBeGreaterThan(1);
      expect(lines.filter((l) => l.msg === 'podtail failure: cursor_write_failed')).toHaveLength(1);

      chmodSync(dir, 0o755);
      rmdirSync(join(dir, 'cursors.json.tmp'));
      await waitFor(() => cursorOffset() === statSync(p).size, 5000, 'cursor written after recovery');
      expect(await metric(engine.registry, 'podtail_degraded', { component: 'cursors' })).toBe(0);
    } finally {
      chmodSync(dir, 0o755);
      await engine.stop();
    }
  });

  it('failure(kind) logs at most one line per kind per interval, with the count since the last line', async () => {
    const { log, lines } = captureLog();
    const engine = await startEngine(node, {}, { extensions: () => [], log, failureLogIntervalMs: 400 });
    try {
      const logged = (kind: string) => lines.filter((l) => l.msg === `podtail failure: ${kind}`);
      engine.failure('rotation_stalled');
      engine.failure('rotation_stalled');
      engine.failure('rotation_stalled', 2);
      engine.failure('watch');
      expect(logged('rotation_stalled')).toEqual([
        expect.objectContaining({ level: 'warn', kind: 'rotation_stalled', count: 1 }),
      ]);
      expect(String(logged('rotation_stalled')[0].summary)).toMatch(/rotated log file/i);
      expect(logged('watch')).toHaveLength(1);
      await sleep(450);
      engine.failure('rotation_stalled');
      expect(logged('rotation_stalled').map((l) => l.count)).toEqual([1, 4]);
      expect(await metric(engine.registry, 'podtail_failures_total', { kind: 'rotation_stalled' })).toBe(5);
    } finally {
      await engine.stop();
    }
  });

  it('podtail_tracked_files: active and draining files', async () => {
    const paths = ['a', 'b', 'c'].map((pod) => logFile(node, 'default', pod, 'app'));
    for (const p of paths) append(p, cri(`hello from ${p}`));
    const engine = await startEngine(node, { source: { rotationWaitMs: 1500 } }, { extensions: () => [] });
    try {
      await waitFor(() => bodies(node).length === 3);
      const tracked = (state: string) => metric(engine.registry, 'podtail_tracked_files', { state });
      let active = 0;
      await waitFor(
        () => {
          void tracked('active').then((v) => (active = v));
          return active === 3;
        },
        5000,
        'three active files',
      );
      expect(await tracked('draining')).toBe(0);
      unlinkSync(paths[1]);
      let draining = 0;
      await waitFor(
        () => {
          void tracked('draining').then((v) => (draining = v));
          return draining === 1;
        },
        5000,
        'the deleted file draining',
      );
      expect(await tracked('active')).toBe(2);
      await waitFor(
        () => {
          void tracked('draining').then((v) => (draining = v));
          return draining === 0;
        },
        5000,
        'the deleted file let go',
      );
      expect(await tracked('active')).toBe(2);
    } finally {
      await engine.stop();
    }
  });
});

describe('fingerprint_cardinality', () => {
  const env = useNodeAndSink();

  it('more busy files than source.maxOpenFiles: counted and logged; every line delivered once files go idle', async () => {
    let down = true;
    env.sink.respond = () => ({ status: down ? 503 : 200 });
    const expected: string[] = [];
    const paths = ['a', 'b', 'c'].map((pod) => logFile(env.node, 'default', pod, 'app'));
    for (const [k, p] of paths.entries()) {
      let text = '';
      for (let i = 0; i < 2000; i++) {
        const m = `f${k} ${i} ${'y'.repeat(100)}`;
        expected.push(m);
        text += cri(m);
      }
      append(p, text);
    }
    const { log, lines } = captureLog();
    const engine = await startEngine(
      env.node,
      {
        source: { maxOpenFiles: 2, rescanIntervalMs: 100 },
        exporter: {
          type: 'otlphttp',
          endpoint: env.sink.url,
          maxInFlightBytes: 64 * 1024,
          batch: { maxRecords: 200, maxDelayMs: 20 },
          retry: { initialIntervalMs: 50, maxIntervalMs: 100 },
        },
      },
      { extensions: () => [], log },
    );
    try {
      // The collector is down: the two open files never reach their end, none can be closed.
      await sleep(600);
      expect(engine.stats.openFiles).toBe(2);
      expect(
        await metric(engine.registry, 'podtail_failures_total', { kind: 'fingerprint_cardinality' }),
      ).toBeGreaterThanOrEqual(2);
      expect(lines.filter((l) => l.msg === 'podtail failure: fingerprint_cardinality')).toHaveLength(1);
      expect(lines.some((l) => l.msg === 'open-file cap reached and no idle file to close')).toBe(true);
      down = false;
      const got = () => env.sink.requests.flatMap((r) => decodeLogs(r.body).map((d) => d.body as string));
      await waitFor(() => got().length >= expected.length, 30_000, 'every line of the three files');
      expect(new Set(got())).toEqual(new Set(expected));
      expect(engine.stats.openFiles).toBeLessThanOrEqual(2);
    } finally {
      await engine.stop();
    }
  });
});

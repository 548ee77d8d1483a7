jest.setTimeout(180_000);
import { renameSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { append, cri, logFile, sleep, startSink, tempNode, waitFor, type Node, type Sink } from './helpers';
import { decodeLogs } from './otlp';
import { exited, spawnPodtail, started, writeConfig } from './child';

describe('SIGKILL at random points', () => {
  let node: Node;
  let sink: Sink;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    node = tempNode();
    sink = await startSink();
  });
  afterEach(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await sink.close();
    node.cleanup();
  });

  it('loses nothing across kills while a local HTTP sink acknowledges', async () => {
    const cfg = writeConfig(node.root, {
      nodeName: 'node-k',
      server: { enabled: false },
      source: { rescanIntervalMs: 300, rotationWaitMs: 3000 },
      exporter: { type: 'otlphttp', endpoint: sink.url, batch: { maxRecords: 200, maxDelayMs: 30 } },
      logLevel: 'info',
    });
    const files = [logFile(node, 'default', 'a', 'app'), logFile(node, 'team', 'b', 'main')];
    const expected: string[] = [];
    let seq = 0;
    let rotations = 0;
    const rotate = () => renameSync(files[0], `${files[0]}.2024010${++rotations}-000000`);
    const write = () => {
      for (const [k, p] of files.entries()) {
        let text = '';
        for (let i = 0; i < 40; i++) {
          const id = `${k}-${seq++}`;
          if (i % 10 === 0) {
            text += cri(`${id} part one|`, 'stderr', 'P') + cri(`part two`, 'stderr', 'F');
            expected.push(`${id} part one|part two`);
          } else {
            text += cri(id);
            expected.push(id);
          }
        }
        append(p, text);
      }
    };
    const writer = setInterval(write, 15);
    const seed = Number(process.env.PODTAIL_TEST_SEED ?? Date.now() % 100000);
    let rnd = seed;
    const random = () => (rnd = (rnd * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 4; round++) {
      const child = spawnPodtail(cfg, node.root);
      children.push(child);
      await started(child);
      const life = 300 + random() * 1500;
      await sleep(life / 2);
      if (round === 2) rotate(); // rotated while podtail runs
      await sleep(life / 2);
      child.kill('SIGKILL');
      await exited(child);
      if (round === 0) rotate(); // rotated while podtail is down
    }
    clearInterval(writer);
    const final = spawnPodtail(cfg, node.root);
    children.push(final);
    const got = () => new Set(sink.requests.flatMap((r) => decodeLogs(r.body).map((d) => d.body as string)));
    await waitFor(() => got().size >= new Set(expected).size, 60_000, `all lines (seed ${seed})`).catch(
      () => {
        const r = got();
        const miss = expected.filter((e) => !r.has(e));
        throw new Error(
          `seed ${seed}: requests ${sink.requests.length}, ${miss.length} missing, e.g. ${miss.slice(0, 8).join(' ; ')}; stderr: ${children.map((c) => (c as unknown as { stderrText: () => string }).stderrText().slice(0, 1500)).join('\n=====\n')}`,
        );
      },
    );
    final.kill('SIGTERM');
    expect(await exited(final)).toBe(0);
    const received = got();
    const missing = expected.filter((e) => !received.has(e));
    expect({ seed, missing: missing.slice(0, 5), count: missing.length }).toEqual({
      seed,
      missing: [],
      count: 0,
    });
    const total = sink.requests.reduce((a, r) => a + decodeLogs(r.body).length, 0);
    // duplicates come only from unacknowledged batches at each kill (200 records each at most)
    expect(total - expected.length).toBeLessThanOrEqual(4 * 200 * 2);
  });
});

jest.setTimeout(30_000);
import { renameSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import {
  append,
  bodies,
  cri,
  logFile,
  readOut,
  sleep,
  startEngine,
  tempNode,
  waitFor,
  type Node,
} from './helpers';

describe('rotation by rename', () => {
  let node: Node;
  beforeEach(() => (node = tempNode()));
  afterEach(() => node.cleanup());

  it('reads the old file to its end (lines written after the rename too) and keeps its attribution', async () => {
    const p = logFile(node, 'default', 'web', 'app', 0);
    append(p, cri('before-1') + cri('before-2'));
    const engine = await startEngine(node);
    await waitFor(() => bodies(node).length === 2);
    renameSync(p, p + '.20240101-000000');
    // containerd still writes to the renamed file until it reopens
    append(p + '.20240101-000000', cri('after-rename'));
    append(p, cri('new-file-1'));
    await waitFor(() => bodies(node).length === 4, 8000, 'four lines');
    const out = readOut(node);
    expect(out.map((r) => r.body)).toEqual(
      expect.arrayContaining(['before-1', 'before-2', 'after-rename', 'new-file-1']),
    );
    const renamed = out.find((r) => r.body === 'after-rename')!;
    expect(renamed.attributes['log.file.path']).toBe('/var/log/pods/default_web_uid-web/app/0.log');
    expect(renamed.resource['k8s.pod.name']).toBe('web');
    // let go within the bounded wait
    await waitFor(() => engine.stats.draining === 0, 5000, 'drained file released');
    await engine.stop();
  });

  it('survives several rotations between scans, in order per file', async () => {
    const p = logFile(node, 'default', 'busy', 'app', 0);
    const engine = await startEngine(node, { source: { rescanIntervalMs: 60_000 } });
    const expected: string[] = [];
    for (let r = 0; r < 4; r++) {
      let text = '';
      for (let i = 0; i < 50; i++) {
        const m = `r${r}-l${i}`;
        expected.push(m);
        text += cri(m);
      }
      append(p, text);
      renameSync(p, `${p}.2024010${r}-000000`);
    }
    append(p, cri('last'));
    expected.push('last');
    await waitFor(() => bodies(node).length >= expected.length, 10_000, 'all rotations');
    await engine.stop();
    const got = bodies(node);
    expect([...got].sort()).toEqual([...expected].sort());
    // in order within each file
    for (let r = 0; r < 4; r++) {
      const mine = got.filter((m) => m.startsWith(`r${r}-`));
      expect(mine).toEqual(expected.filter((m) => m.startsWith(`r${r}-`)));
    }
  });

  it('does not read compressed rotated files, and resumes a file rotated while podtail was down', async () => {
    const p = logFile(node, 'default', 'web', 'app', 0);
    writeFileSync(p + '.20230101-000000.gz', gzipSync(cri('old compressed')));
    append(p, cri('one'));
    let engine = await startEngine(node);
    await waitFor(() => bodies(node).length === 1);
    await engine.stop();
    append(p, cri('two (written while down)'));
    renameSync(p, p + '.20240101-000000');
    append(p, cri('three (new file)'));
    engine = await startEngine(node);
    await waitFor(() => bodies(node).length === 3, 8000, 'resumed');
    await sleep(300);
    await engine.stop();
    expect([...bodies(node)].sort()).toEqual(['one', 'three (new file)', 'two (written while down)']);
    expect(bodies(node)).not.toContain('old compressed');
  });

  it('completes a partial line left in a rotated file exactly once when the file is let go', async () => {
    const p = logFile(node, 'default', 'web', 'app', 0);
    append(p, cri('whole') + cri('half of a line', 'stdout', 'P'));
    const engine = await startEngine(node, { source: { rotationWaitMs: 400 } });
    await waitFor(() => bodies(node).length === 1);
    renameSync(p, p + '.20240101-000000');
    append(p, cri('next file'));
    await waitFor(() => engine.stats.draining === 0 && bodies(node).length === 3, 8000, 'released');
    await engine.stop();
    expect([...bodies(node)].sort()).toEqual(['half of a line', 'next file', 'whole']);
  });

  it('lets a rotated file go after source.rotationWaitMs when it never reaches a quiet end, and counts rotation_stalled', async () => {
    const p = logFile(node, 'default', 'web', 'app', 0);
    append(p, cri('start'));
    const engine = await startEngine(node, { source: { rotationWaitMs: 600 } });
    await waitFor(() => bodies(node).length === 1);
    const rotated = p + '.20240101-000000';
    renameSync(p, rotated);
    const writer = setInterval(() => append(rotated, cri('still writing to the old file')), 40);
    try {
      await waitFor(() => engine.stats.draining === 1, 5000, 'draining');
      await waitFor(() => engine.stats.draining === 0, 8000, 'let go');
    } finally {
      clearInterval(writer);
    }
    const failures = (await engine.registry.getSingleMetric('podtail_failures_total')!.get()).values;
    expect(failures.find((v) => v.labels.kind === 'rotation_stalled')?.value).toBeGreaterThanOrEqual(1);
    await engine.stop();
  });
});

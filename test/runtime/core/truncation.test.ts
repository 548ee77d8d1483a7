jest.setTimeout(30_000);
import {
  copyFileSync,
  openSync,
  closeSync,
  ftruncateSync,
  writeSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { append, bodies, cri, logFile, sleep, startEngine, tempNode, waitFor, type Node } from './helpers';

describe('truncation and copytruncate', () => {
  let node: Node;
  beforeEach(() => (node = tempNode()));
  afterEach(() => node.cleanup());

  it('detects truncation to a smaller size and reads the new content from the start', async () => {
    const p = logFile(node, 'default', 'web', 'app');
    append(p, cri('a-1') + cri('a-2') + cri('a-3'));
    const engine = await startEngine(node);
    await waitFor(() => bodies(node).length === 3);
    writeFileSync(p, cri('b-1'));
    await waitFor(() => bodies(node).includes('b-1'), 5000, 'after truncation');
    await engine.stop();
    expect(bodies(node)).toEqual(['a-1', 'a-2', 'a-3', 'b-1']);
  });

  it('copytruncate where new writes pass the old offset before podtail looks: detected by content', async () => {
    const p = logFile(node, 'default', 'web', 'app');
    append(p, cri('old-1'));
    const engine = await startEngine(node, { source: { rescanIntervalMs: 60_000 } });
    await waitFor(() => bodies(node).length === 1);
    await engine.whenIdle();
    // Stop inotify noise: copy + truncate + write more than before, all at once.
    copyFileSync(p, p + '.1');
    const fd = openSync(p, 'r+');
    ftruncateSync(fd, 0);
    const text = cri('new-1') + cri('new-2 is a longer line than old-1 was');
    writeSync(fd, text, 0);
    closeSync(fd);
    await waitFor(() => bodies(node).includes('new-2 is a longer line than old-1 was'), 5000, 'new content');
    await engine.stop();
    expect(bodies(node)).toEqual(['old-1', 'new-1', 'new-2 is a longer line than old-1 was']);
  });

  it('skips NUL padding left by a writer continuing past the truncation point', async () => {
    const p = logFile(node, 'default', 'web', 'app');
    const first = cri('before');
    append(p, first);
    const engine = await startEngine(node);
    await waitFor(() => bodies(node).length === 1);
    const fd = openSync(p, 'r+');
    ftruncateSync(fd, 0);
    // The writer's own offset did not move: it writes after a hole of NULs.
    writeSync(fd, cri('after hole'), first.length);
    closeSync(fd);
    await waitFor(() => bodies(node).includes('after hole'), 5000, 'line after the hole');
    await sleep(200);
    await engine.stop();
    expect(bodies(node)).toEqual(['before', 'after hole']);
  });
});

describe('deleted files and the open-file cap', () => {
  let node: Node;
  beforeEach(() => (node = tempNode()));
  afterEach(() => node.cleanup());

  it('reads a deleted file to its end through the open descriptor', async () => {
    const p = logFile(node, 'default', 'gone', 'app');
    append(p, cri('x-1'));
    const engine = await startEngine(node, { source: { rescanIntervalMs: 60_000 } });
    await waitFor(() => bodies(node).length === 1);
    // The writer keeps its descriptor; the name goes away.
    const fd = openSync(p, 'a');
    unlinkSync(p);
    writeSync(fd, cri('x-2 after unlink'));
    closeSync(fd);
    await waitFor(() => bodies(node).includes('x-2 after unlink'), 5000, 'line after unlink');
    await waitFor(() => engine.stats.draining === 0 && engine.stats.openFiles === 0, 5000, 'released');
    await engine.stop();
  });

  it('keeps open files under source.maxOpenFiles and still reads every file', async () => {
    const paths = Array.from({ length: 12 }, (_, i) => logFile(node, 'default', `p${i}`, 'app'));
    paths.forEach((p, i) => append(p, cri(`first-${i}`)));
    const engine = await startEngine(node, { source: { maxOpenFiles: 4 } });
    await waitFor(() => bodies(node).length === 12, 8000, 'first round');
    expect(engine.stats.openFiles).toBeLessThanOrEqual(4);
    paths.forEach((p, i) => append(p, cri(`second-${i}`)));
    await waitFor(() => bodies(node).length === 24, 8000, 'second round');
    expect(engine.stats.openFiles).toBeLessThanOrEqual(4);
    await engine.stop();
    const got = bodies(node);
    for (let i = 0; i < 12; i++) expect(got.indexOf(`first-${i}`)).toBeLessThan(got.indexOf(`second-${i}`));
  });
});

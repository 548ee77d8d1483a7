jest.setTimeout(30_000);
import {
  existsSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { CursorStore } from '../../../runtime/src/cursor/cursor-store';
import { append, bodies, cri, logFile, sleep, startEngine, tempNode, waitFor, type Node } from './helpers';

describe('cursors', () => {
  let node: Node;
  beforeEach(() => (node = tempNode()));
  afterEach(() => node.cleanup());
  const cursorFile = () => join(node.root, 'var/lib/podtail/cursors.json');

  it('persists atomically (no temp file left, a valid document) and only acknowledged offsets', async () => {
    const store = new CursorStore(join(node.root, 'c'));
    store.load();
    store.set({ path: '/x', relative: 'a_b_c/d/0.log', dev: 1, ino: 2, fpLen: 3, fpHash: 'h', offset: 10 });
    store.persist();
    expect(readdirSync(join(node.root, 'c'))).toEqual(['cursors.json']);
    const again = new CursorStore(join(node.root, 'c'));
    expect(again.load()[0].offset).toBe(10);
    writeFileSync(join(node.root, 'c/cursors.json'), '{"version":2}');
    expect(() => new CursorStore(join(node.root, 'c')).load()).toThrow(/not a podtail cursor document/);
  });

  it('reads lines written while podtail was down from the cursor; startAt applies only to files with no cursor', async () => {
    const a = logFile(node, 'default', 'a', 'app');
    append(a, cri('a-1'));
    let engine = await startEngine(node, { source: { startAt: 'end' } });
    append(a, cri('a-2'));
    await waitFor(() => bodies(node).includes('a-2'));
    await engine.stop();
    const cursor = JSON.parse(readFileSync(cursorFile(), 'utf8'));
    expect(cursor.files[0].offset).toBe(statSync(a).size);
    append(a, cri('a-3 while down'));
    const b = logFile(node, 'default', 'b', 'app');
    append(b, cri('b-1 existing, no cursor'));
    engine = await startEngine(node, { source: { startAt: 'end' } });
    append(b, cri('b-2'));
    await waitFor(() => bodies(node).includes('b-2') && bodies(node).includes('a-3 while down'));
    await engine.stop();
    expect(bodies(node).sort()).toEqual(['a-2', 'a-3 while down', 'b-2']);
  });

  it('tells apart files sharing their first bytes (by inode) and a reused inode (by fingerprint)', async () => {
    const same = cri('identical head line, long enough to fill the fingerprint window');
    const a = logFile(node, 'default', 'a', 'app');
    const b = logFile(node, 'default', 'b', 'app');
    append(a, same + cri('only in a'));
    append(b, same + cri('only in b'));
    let engine = await startEngine(node, { source: { fingerprintBytes: 64 } });
    await engine.settle();
    await engine.stop();
    expect(bodies(node).filter((x) => x.startsWith('identical'))).toHaveLength(2);
    // Replace a with new content: an inode may be reused, the fingerprint differs.
    const inoBefore = statSync(a).ino;
    const tmp = a + '.tmp';
    writeFileSync(tmp, cri('brand new content in a'));
    unlinkSync(a);
    renameSync(tmp, a);
    // Force the inode question: rewrite the cursor as if the new file had the old inode.
    const doc = JSON.parse(readFileSync(cursorFile(), 'utf8'));
    for (const f of doc.files) if (f.ino === inoBefore) f.ino = statSync(a).ino;
    writeFileSync(cursorFile(), JSON.stringify(doc));
    engine = await startEngine(node, { source: { fingerprintBytes: 64 } });
    await engine.settle();
    await sleep(100);
    await engine.stop();
    expect(bodies(node).filter((x) => x === 'brand new content in a')).toHaveLength(1);
    expect(bodies(node).filter((x) => x === 'only in b')).toHaveLength(1);
  });

  it('drops the cursor of a file once it is let go', async () => {
    const a = logFile(node, 'default', 'a', 'app');
    append(a, cri('a-1'));
    const engine = await startEngine(node);
    await waitFor(() => bodies(node).length === 1);
    rmSync(a);
    await waitFor(() => engine.stats.draining === 0 && engine.stats.active === 0, 5000, 'released');
    await engine.settle();
    await engine.stop();
    expect(existsSync(cursorFile())).toBe(true);
    expect(JSON.parse(readFileSync(cursorFile(), 'utf8')).files).toEqual([]);
  });
});

jest.setTimeout(60_000);
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exited, spawnPodtail, started, writeConfig } from './child';
import { append, cri, logFile, readOut, tempNode, waitFor, type Node } from './helpers';

const run = promisify(execFile);
const bin = join(__dirname, '../../../runtime/bin/podtail.js');

async function podtail(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('podtail CLI', () => {
  let node: Node;
  beforeEach(() => (node = tempNode()));
  afterEach(() => node.cleanup());

  it('validate: exit 0 on a valid config, 1 listing every problem with key, value and fix', async () => {
    const good = writeConfig(node.root, { nodeName: 'n', exporter: { type: 'stdout' } });
    expect(await podtail(['validate', '--config', good])).toMatchObject({ code: 0 });
    const bad = writeConfig(node.root, {
      nodeName: '',
      source: { startAt: 'middle', maxOpenFiles: 0 },
      exporter: { type: 'otlphttp', endpoint: 'not a url' },
    });
    const r = await podtail(['validate', '--config', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nodeName: nodeName must not be empty');
    expect(r.stderr).toContain('source.startAt');
    expect(r.stderr).toContain('(got "middle")');
    expect(r.stderr).toContain('source.maxOpenFiles');
    expect(r.stderr).toContain('exporter.endpoint must be a URL');
    expect((await podtail(['validate'])).code).toBe(2);
    expect((await podtail(['frobnicate', '--config', good])).code).toBe(2);
  });

  it('run: tails under --host-root until SIGTERM, then exports and commits', async () => {
    const p = logFile(node, 'default', 'web', 'app');
    append(p, cri('from the cli'));
    const cfg = writeConfig(node.root, {
      nodeName: 'n',
      server: { enabled: false },
      exporter: { type: 'file', path: node.out },
    });
    const child = spawnPodtail(cfg, node.root);
    await started(child);
    await waitFor(() => readOut(node).length === 1, 10_000, 'record');
    child.kill('SIGTERM');
    const code = await exited(child);
    if (code !== 0) throw new Error(`exit ${code} signal ${child.signalCode}: ${child.stderrText()}`);
    expect(readOut(node)[0]).toMatchObject({ body: 'from the cli', resource: { 'k8s.node.name': 'n' } });
    expect(child.stderrText()).toContain('podtail stopped');
  });
});

import { execFile } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { validateConfig, type PodtailConfigInput } from '../../../runtime/src/config';
import { Engine } from '../../../runtime/src/engine';
import { podLabels, startContainerd, type ContainerdHandle } from '../helpers/containerd';

jest.setTimeout(90000);

interface OutRecord {
  body: string;
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
}

const REPO = join(__dirname, '..', '..', '..');

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

async function until(what: string, f: () => boolean | Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A re-rooted node: `<root>/var/log/pods`, and containerd's socket at its default host path. */
function node(ctd: ContainerdHandle): { root: string; out: string; configInput: PodtailConfigInput } {
  const root = mkdtempSync(join(tmpdir(), 'podtail-ctd-node-'));
  mkdirSync(join(root, 'var/log/pods'), { recursive: true });
  mkdirSync(join(root, 'run/containerd'), { recursive: true });
  symlinkSync(ctd.socket, join(root, 'run/containerd/containerd.sock'));
  const out = join(root, 'out.ndjson');
  return {
    root,
    out,
    configInput: {
      nodeName: 'node-1',
      hostRoot: root,
      server: { enabled: true, host: '127.0.0.1', port: 0 },
      source: { rescanIntervalMs: 200 },
      exporter: { type: 'file', path: out, batch: { maxDelayMs: 20 } },
      kubernetes: { enabled: false },
      containerd: { enabled: true, namespaces: ['k8s.io'], backoff: { initialMs: 100, maxMs: 500 } },
    } as PodtailConfigInput,
  };
}

function readOut(path: string): OutRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{') && !l.startsWith('{"resourceMetrics"'))
    .map((l) => JSON.parse(l) as OutRecord);
}

describe('containerd watch inside the real podtail engine', () => {
  let ctd: ContainerdHandle;
  const roots: string[] = [];
  beforeAll(async () => {
    ctd = await startContainerd({ name: 'podtail-engine' });
  });
  afterAll(async () => {
    await ctd?.stop();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  test('lifecycle records reach the file exporter; log lines get container.id; metrics and readiness', async () => {
    const n = node(ctd);
    roots.push(n.root);
    const engine = new Engine({ config: validateConfig(n.configInput) });
    await engine.start();
    try {
      const port = engine.serverPort ?? 0;
      const metrics = await get(port, '/metrics');
      expect(metrics.body).toMatch(/^podtail_containerd_stream_up 1$/m);
      expect(metrics.body).toMatch(/^podtail_degraded\{component="containerd"\} 0$/m);
      expect((await get(port, '/readyz')).status).toBe(200);

      const uid = 'uid-trainer-0';
      const dir = join(n.root, 'var/log/pods', `ml_trainer-0_${uid}`, 'trainer');
      mkdirSync(dir, { recursive: true });
      await ctd.runTask({
        id: 'engine-trainer',
        labels: podLabels('trainer-0', 'trainer', { namespace: 'ml', uid }),
        command: 'sleep 1; exit 2',
      });
      appendFileSync(join(dir, '0.log'), `2026-01-01T00:00:00.000000001Z stdout F epoch 1 loss 0.5\n`);
      await until('exit record exported', () =>
        readOut(n.out).some((r) => r.attributes['event.name'] === 'container.exit'),
      );
      await until('log line exported', () => readOut(n.out).some((r) => r.body === 'epoch 1 loss 0.5'));
      const out = readOut(n.out);
      const start = out.find((r) => r.attributes['event.name'] === 'container.start');
      const exit = out.find((r) => r.attributes['event.name'] === 'container.exit');
      expect(start?.body).toMatch(/^container trainer started \(pid \d+\)$/);
      expect(exit?.body).toBe('container trainer exited with status 2');
      expect(exit?.attributes['process.exit.code']).toBe(2);
      expect(exit?.resource).toMatchObject({
        'container.id': 'engine-trainer',
        'k8s.pod.name': 'trainer-0',
        'k8s.namespace.name': 'ml',
        'k8s.pod.uid': uid,
        'k8s.container.name': 'trainer',
        'k8s.node.name': 'node-1',
      });
      // The log line was attributed through the containerd store.
      const line = out.find((r) => r.body === 'epoch 1 loss 0.5');
      expect(line?.resource['container.id']).toBe('engine-trainer');
      expect((await get(port, '/metrics')).body).toMatch(/^podtail_containerd_store_containers [1-9]/m);

      // containerd goes away: not ready, a watch failure, the gauge drops; back: ready again.
      await ctd.stopDaemon();
      let m = '';
      const metricMatches = (re: RegExp) => async (): Promise<boolean> => {
        m = (await get(port, '/metrics')).body;
        return re.test(m);
      };
      await until('stream_up 0', metricMatches(/^podtail_containerd_stream_up 0$/m), 10000);
      expect(m).toMatch(/^podtail_failures_total\{kind="watch"\} [1-9]/m);
      expect(m).toMatch(/^podtail_degraded\{component="containerd"\} 1$/m);
      expect((await get(port, '/readyz')).status).toBe(503);
      await ctd.startDaemon();
      await until('stream_up 1', metricMatches(/^podtail_containerd_stream_up 1$/m), 10000);
      expect((await get(port, '/readyz')).status).toBe(200);
    } finally {
      await engine.stop();
      await ctd.remove('engine-trainer').catch(() => undefined);
    }
  });

  test('podtail containerd ls --config FILE prints the store', async () => {
    const n = node(ctd);
    roots.push(n.root);
    await ctd.runTask({
      id: 'ls-web',
      labels: podLabels('web-0', 'web', { namespace: 'shop' }),
      command: 'sleep 60',
    });
    await ctd.runTask({ id: 'ls-done', labels: podLabels('job-0', 'job'), command: 'exit 4' });
    await ctd.waitStopped('ls-done');
    const file = join(n.root, 'podtail.yaml');
    writeFileSync(file, stringify(n.configInput));
    const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          ['-r', 'ts-node/register/transpile-only', join(REPO, 'runtime/src/cli/main.ts'), ...args],
          { cwd: REPO, timeout: 60000 },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    try {
      const res = await run(['containerd', 'ls', '--config', file]);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const lines = res.stdout.trim().split('\n');
      expect(lines[0].split(/\s{2,}/)).toEqual([
        'CONTAINERD-NS',
        'CONTAINER',
        'POD',
        'NAME',
        'STATUS',
        'PIDS',
      ]);
      const web = lines.find((l) => l.includes('ls-web'))?.split(/\s{2,}/);
      expect(web?.slice(0, 5)).toEqual(['k8s.io', 'ls-web', 'shop/web-0', 'web', 'running']);
      expect(web?.[5]).toMatch(/^\d+(,\d+)*$/);
      const done = lines.find((l) => l.includes('ls-done'))?.split(/\s{2,}/);
      expect(done).toEqual(['k8s.io', 'ls-done', 'default/job-0', 'job', 'stopped (4)', '-']);

      const json = await run(['containerd', 'ls', '--config', file, '--json']);
      const rows = JSON.parse(json.stdout) as Array<{
        containerId: string;
        podName?: string;
        pids: number[];
      }>;
      expect(rows.find((r) => r.containerId === 'ls-web')?.podName).toBe('web-0');

      // A socket that is not there: exit 1 with the reason and the fix.
      const bad = join(n.root, 'bad.yaml');
      writeFileSync(
        bad,
        stringify({ ...n.configInput, containerd: { enabled: true, socket: '/nowhere.sock' } }),
      );
      const failed = await run(['containerd', 'ls', '--config', bad]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('cannot connect to containerd at');
      expect(failed.stderr).toContain('check containerd.socket and hostRoot');
    } finally {
      await ctd.remove('ls-web');
      await ctd.remove('ls-done');
    }
  });
});

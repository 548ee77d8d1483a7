import { Testing } from 'cdk8s';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { AgentTier, GatewayEndpoint, LogsSource, ReferenceStack } from '../../constructs/src';
import { startSink, type Sink } from '../runtime/core/helpers';
import { decodeLogs, type DecodedRecord } from '../runtime/core/otlp';
import { podLabels, startContainerd, type ContainerdHandle } from './helpers/containerd';
import { podtailConfigText, type Manifest } from './e2e/manifests';
import { REPO } from './e2e/pack';
import { freePort, spawnPodtail, until, type PodtailChild } from './e2e/podtail-child';

/**
 * The tiers drive the runtime: the podtail config the default stack synthesizes, run by the
 * compiled podtail CLI against a node-like /var/log/pods tree, a real containerd with
 * Kubernetes-labelled tasks and a local OTLP/HTTP sink. The only changes to the synthesized
 * config are the ones a test must make: the exporter points at the sink, the telemetry
 * server at a free port, and `--host-root` re-roots every host path (log root, cursors,
 * containerd socket) under a temp dir. No API server: the informer stays off (`enabled: auto`
 * without KUBERNETES_SERVICE_HOST), so records carry path and containerd metadata.
 */
describe('end to end: synthesized config -> podtail CLI -> containerd + /var/log/pods -> OTLP sink', () => {
  let node: string;
  let sink: Sink;
  let ctd: ContainerdHandle;
  let podtail: PodtailChild | undefined;
  let metricsPort: number;
  let synthesized: Record<string, unknown>;
  const NODE = 'gpu-node-7';

  const logs = (): DecodedRecord[] =>
    sink.requests.filter((r) => r.path === '/v1/logs').flatMap((r) => decodeLogs(r.body));
  const lifecycle = (): DecodedRecord[] =>
    logs().filter((r) => String(r.attributes['event.name'] ?? '').startsWith('container.'));
  const lines = (): DecodedRecord[] => logs().filter((r) => r.attributes['event.name'] === undefined);
  const detail = (): string =>
    `records: ${JSON.stringify(logs(), null, 1).slice(0, 6000)}\npodtail stderr:\n${podtail?.stderr().slice(-6000) ?? ''}`;

  const logFile = (ns: string, pod: string, uid: string, container: string, restart: number): string => {
    const p = join(node, 'var/log/pods', `${ns}_${pod}_${uid}`, container, `${restart}.log`);
    mkdirSync(dirname(p), { recursive: true });
    return p;
  };
  const cri = (stream: 'stdout' | 'stderr', tag: 'F' | 'P', msg: string): string =>
    `${new Date().toISOString().replace('Z', '000000Z')} ${stream} ${tag} ${msg}\n`;

  beforeAll(async () => {
    node = mkdtempSync(join(tmpdir(), 'otel-tiers-e2e-'));
    mkdirSync(join(node, 'var/log/pods'), { recursive: true });
    sink = await startSink();
    ctd = await startContainerd({ name: 'otel-tiers-e2e' });
    // the node's containerd socket, where the synthesized config expects it (under hostRoot)
    mkdirSync(join(node, 'run/containerd'), { recursive: true });
    symlinkSync(ctd.socket, join(node, 'run/containerd/containerd.sock'));

    const objs = Testing.synth(
      new ReferenceStack(Testing.app(), 'otel-tiers', { disableResourceNameHashes: true }),
    ) as Manifest[];
    synthesized = parse(podtailConfigText(objs)) as Record<string, unknown>;
    metricsPort = await freePort();
    const config = {
      ...synthesized,
      exporter: { ...(synthesized.exporter as object), endpoint: sink.url },
      server: { ...((synthesized.server as object) ?? {}), port: metricsPort, host: '127.0.0.1' },
    };
    const configFile = join(node, 'config.yaml');
    writeFileSync(configFile, stringify(config));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      K8S_NODE_NAME: NODE,
      K8S_POD_NAME: 'otel-agent-x',
    };
    podtail = spawnPodtail(['--config', configFile, '--host-root', node], env);
    await until(
      'podtail to watch containerd (podtail_containerd_stream_up 1 on /metrics)',
      async () => {
        if (podtail!.child.exitCode !== null) throw new Error(`podtail exited:\n${podtail!.stderr()}`);
        try {
          const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
          return /^podtail_containerd_stream_up 1$/m.test(await res.text());
        } catch {
          return false;
        }
      },
      40_000,
      () => podtail!.stderr(),
    );
  });

  afterAll(async () => {
    const code = await podtail?.stop();
    await ctd?.stop();
    await sink?.close();
    if (node) rmSync(node, { recursive: true, force: true });
    if (code !== 0 && code !== undefined) throw new Error(`podtail exited ${code}:\n${podtail?.stderr()}`);
  });

  test('the synthesized config is what runs: containerd on, node name from the downward API, paths re-rooted', () => {
    expect(synthesized).toMatchObject({
      nodeName: '${K8S_NODE_NAME}',
      source: { root: '/var/log/pods' },
      cursors: { directory: '/var/lib/podtail/cursors' },
      containerd: { enabled: true, socket: '/run/containerd/containerd.sock', namespaces: ['k8s.io'] },
      exporter: { type: 'otlphttp', endpoint: 'http://localhost:4318' },
    });
    expect(synthesized).not.toHaveProperty('hostRoot');
  });

  test('container lifecycle: start records for each task, exit with its status, attributed by containerd labels', async () => {
    await ctd.runTask({
      id: 'trainer-main',
      labels: podLabels('trainer-0', 'trainer', { namespace: 'ml', uid: 'uid-trainer-0' }),
      command: 'sleep 600',
    });
    await ctd.runTask({
      id: 'web-nginx-1',
      labels: podLabels('web-1', 'nginx', { namespace: 'shop', uid: 'uid-web-1' }),
      command: 'sleep 1; exit 3',
    });
    const exit = await until(
      'the exit record of web-nginx-1',
      () =>
        lifecycle().find(
          (r) =>
            r.attributes['event.name'] === 'container.exit' && r.resource['container.id'] === 'web-nginx-1',
        ),
      30_000,
      detail,
    );
    expect(exit.attributes['process.exit.code']).toBe(3);
    expect(exit.body).toContain('exited with status 3');
    expect(exit.resource).toMatchObject({
      'container.id': 'web-nginx-1',
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'web-1',
      'k8s.pod.uid': 'uid-web-1',
      'k8s.container.name': 'nginx',
      'k8s.node.name': NODE,
    });
    for (const [id, pod, ns] of [
      ['trainer-main', 'trainer-0', 'ml'],
      ['web-nginx-1', 'web-1', 'shop'],
    ]) {
      const start = lifecycle().find(
        (r) => r.attributes['event.name'] === 'container.start' && r.resource['container.id'] === id,
      );
      if (!start) throw new Error(`no start record for ${id}\n${detail()}`);
      expect(start.resource).toMatchObject({
        'k8s.pod.name': pod,
        'k8s.namespace.name': ns,
        'k8s.node.name': NODE,
      });
      expect(typeof start.attributes['process.pid']).toBe('number');
    }
    expect(
      lifecycle().filter(
        (r) =>
          r.attributes['event.name'] === 'container.exit' && r.resource['container.id'] === 'trainer-main',
      ),
    ).toEqual([]);
  });

  test('every line arrives once, in order, stitched, attributed from the path, the node and containerd', async () => {
    const trainer = logFile('ml', 'trainer-0', 'uid-trainer-0', 'trainer', 0);
    const web = logFile('shop', 'web-1', 'uid-web-1', 'nginx', 1);
    const batch = logFile('batch', 'report-x7', 'uid-report-x7', 'worker', 2); // containerd does not know it
    appendFileSync(trainer, cri('stdout', 'F', '[rank0]: step 1 loss=0.50'));
    appendFileSync(trainer, cri('stdout', 'P', 'a long line in '));
    appendFileSync(trainer, cri('stdout', 'F', 'two parts'));
    appendFileSync(trainer, cri('stderr', 'F', 'warning: slow dataloader'));
    appendFileSync(web, cri('stdout', 'F', 'GET /healthz 200'));
    appendFileSync(batch, cri('stdout', 'F', 'report done'));
    for (let i = 0; i < 200; i++) appendFileSync(web, cri('stdout', 'F', `GET /item/${i} 200`));

    await until('all 205 lines', () => lines().length >= 205, 30_000, detail);
    const got = lines();
    expect(got).toHaveLength(205);
    const bodies = (pod: string) => got.filter((r) => r.resource['k8s.pod.name'] === pod).map((r) => r.body);
    expect(bodies('trainer-0')).toEqual([
      '[rank0]: step 1 loss=0.50',
      'a long line in two parts',
      'warning: slow dataloader',
    ]);
    expect(bodies('web-1')).toEqual([
      'GET /healthz 200',
      ...Array.from({ length: 200 }, (_, i) => `GET /item/${i} 200`),
    ]);
    expect(bodies('report-x7')).toEqual(['report done']);

    const first = (pod: string) => got.find((r) => r.resource['k8s.pod.name'] === pod)!;
    expect(first('trainer-0').resource).toMatchObject({
      'k8s.namespace.name': 'ml',
      'k8s.pod.name': 'trainer-0',
      'k8s.pod.uid': 'uid-trainer-0',
      'k8s.container.name': 'trainer',
      'k8s.container.restart_count': 0,
      'k8s.node.name': NODE,
      'container.id': 'trainer-main',
    });
    expect(first('web-1').resource).toMatchObject({
      'k8s.namespace.name': 'shop',
      'k8s.pod.uid': 'uid-web-1',
      'k8s.container.name': 'nginx',
      'k8s.container.restart_count': 1,
      'k8s.node.name': NODE,
      'container.id': 'web-nginx-1',
    });
    expect(first('report-x7').resource).toMatchObject({
      'k8s.namespace.name': 'batch',
      'k8s.pod.uid': 'uid-report-x7',
      'k8s.container.name': 'worker',
      'k8s.container.restart_count': 2,
      'k8s.node.name': NODE,
    });
    expect(first('report-x7').resource['container.id']).toBeUndefined();
    const stderrLine = got.find((r) => r.body === 'warning: slow dataloader')!;
    expect(JSON.stringify(stderrLine.attributes)).toContain('stderr');
    for (const r of got) expect(Number(BigInt(r.time) / 1_000_000n)).toBeGreaterThan(Date.now() - 120_000);
  });

  test('SIGTERM: podtail flushes, exits 0 and has committed cursors under the re-rooted state directory', async () => {
    const code = await podtail!.stop();
    expect(code).toBe(0);
    const cursors = spawnSync('find', [join(node, 'var/lib/podtail/cursors'), '-type', 'f'], {
      encoding: 'utf8',
    });
    expect(cursors.stdout.trim().split('\n').filter(Boolean).length).toBeGreaterThan(0);
    podtail = undefined;
  });
});

describe('a config the constructs produce that podtail would reject', () => {
  test('fails the synth naming the key, and the compiled CLI rejects the same config with the same key', () => {
    // A lookahead compiles in JavaScript but not in RE2, which podtail runs user regexes on.
    const settings = { training: { rank: { sources: ['body'], bodyPattern: '(?=rank)rank(?P<rank>\\d+)' } } };
    const chart = Testing.chart();
    expect(() => {
      new AgentTier(chart, 'agent', {
        namespace: 'monitoring',
        gateway: GatewayEndpoint.fromAddress('gw:4317'),
        logs: LogsSource.podtail({ settings }),
      });
      Testing.synth(chart);
    }).toThrow(
      /the podtail config would be rejected by podtail[\s\S]*training\.rank\.bodyPattern: does not compile as an RE2 regex/,
    );

    const dir = mkdtempSync(join(tmpdir(), 'e2e-reject-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      stringify({
        nodeName: 'n',
        exporter: { type: 'otlphttp', endpoint: 'http://localhost:4318' },
        ...settings,
      }),
    );
    const r = spawnSync(
      process.execPath,
      [join(REPO, 'runtime/bin/podtail.js'), 'validate', '--config', file],
      {
        encoding: 'utf8',
      },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/training\.rank\.bodyPattern: does not compile as an RE2 regex/);
  });
});

import { Testing } from 'cdk8s';
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  AgentTier,
  COLLECTOR_IMAGE,
  GatewayEndpoint,
  PODTAIL_PATHS,
  ReferenceStack,
  TARGET_ALLOCATOR_IMAGE,
  defaultPodtailImage,
} from '../../constructs/src';
import { decodeLogs } from '../runtime/core/otlp';
import { startSink, type Sink } from '../runtime/core/helpers';
import { instructions } from './e2e/dockerfile';
import { replayDockerfile, type ReplayedImage } from './e2e/image-replay';
import { findObject, podtailConfigText, type Manifest } from './e2e/manifests';
import { REPO } from './e2e/pack';

const PODTAIL_VERSION = (
  JSON.parse(readFileSync(join(REPO, 'runtime/package.json'), 'utf8')) as { version: string }
).version;
const NONROOT = 65532;

type Container = { name: string; image: string; args?: string[]; command?: string[] };
const containersOf = (o: Manifest): Container[] => {
  const spec = (
    o as unknown as {
      spec: { template: { spec: { containers: Container[]; initContainers?: Container[] } } };
    }
  ).spec.template.spec;
  return [...spec.containers, ...(spec.initContainers ?? [])];
};

describe('podtail image (runtime/Dockerfile), replayed without docker', () => {
  let work: string;
  let image: ReplayedImage;
  let objs: Manifest[];
  let entrypoint: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'podtail-image-'));
    chmodSync(work, 0o755);
    image = replayDockerfile(work);
    objs = Testing.synth(
      new ReferenceStack(Testing.app(), 'otel-tiers', { disableResourceNameHashes: true }),
    ) as Manifest[];
    const last = image.dockerfile.stages[image.dockerfile.stages.length - 1];
    entrypoint = JSON.parse(instructions(last, 'ENTRYPOINT')[0]) as string[];
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Runs the image's entrypoint script from the replayed install with the host's node. */
  const podtail = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [image.hostPath(entrypoint[1]), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
      cwd: work,
    });

  test('multi-stage; the runtime stage is distroless, pinned, non-root by default, exec-form entrypoint', () => {
    const d = image.dockerfile;
    expect(d.stages.map((s) => s.name)).toEqual(['build', 'install', undefined]);
    for (const s of d.stages) {
      const tag = s.from.split('/').pop()!.split(':')[1];
      expect(tag).toBeDefined();
      expect(tag).not.toBe('latest');
      expect(s.from).not.toContain('${');
    }
    const last = d.stages[2];
    expect(last.from).toMatch(/^gcr\.io\/distroless\/nodejs\d+-debian\d+:nonroot$/);
    // the node major of the build stages is the distroless one's
    expect(d.stages[0].from).toMatch(new RegExp(`^node:${/nodejs(\d+)/.exec(last.from)![1]}\\.`));
    const users = instructions(last, 'USER');
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0].split(':').map(Number);
    expect(uid).toBe(NONROOT);
    expect(gid).toBe(NONROOT);
    expect(instructions(last, 'RUN')).toEqual([]); // no shell in distroless
    expect(entrypoint[0]).toBe('/nodejs/bin/node');
    expect(entrypoint[1]).toBe('/opt/podtail/node_modules/podtail/bin/podtail.js');
  });

  test('CMD and EXPOSE match what the agent DaemonSet runs: args only, the config path and metrics port', () => {
    const last = image.dockerfile.stages[2];
    const ds = findObject(objs, 'DaemonSet', 'otel-agent');
    const c = containersOf(ds).find((x) => x.name === 'podtail')!;
    expect(c.command).toBeUndefined(); // the image's ENTRYPOINT runs
    expect(JSON.parse(instructions(last, 'CMD')[0])).toEqual(c.args);
    expect(c.args).toEqual(['run', '--config', PODTAIL_PATHS.configFile]);
    const podtailConfig = parse(podtailConfigText(objs)) as { server?: { port?: number } };
    expect(instructions(last, 'EXPOSE')).toEqual([String(podtailConfig.server?.port ?? 9464)]);
  });

  test('the install stage holds podtail with production dependencies only, compiled, no sources', () => {
    const modules = image.hostPath('/opt/podtail/node_modules');
    const entry = image.hostPath(entrypoint[1]);
    expect(existsSync(entry)).toBe(true);
    const installed = readdirSync(modules);
    for (const dep of ['zod', 'yaml', '@grpc', '@kubernetes', 'prom-client', 'protobufjs', 're2js'])
      expect(installed).toContain(dep);
    for (const dev of [
      'typescript',
      'jest',
      'ts-jest',
      'eslint',
      'cdk8s',
      'cdk8s-cli',
      'kubernetes-models',
      'ajv',
    ])
      expect(installed).not.toContain(dev);
    const pkg = readdirSync(join(modules, 'podtail'));
    expect(pkg.sort()).toEqual(['README.md', 'bin', 'lib', 'package.json', 'proto']);
    expect(JSON.parse(readFileSync(join(modules, 'podtail/package.json'), 'utf8'))).toMatchObject({
      version: PODTAIL_VERSION,
    });
    expect(existsSync(image.hostPath('/root/.npm'))).toBe(false);
  });

  test('`podtail validate` from the image accepts the config the constructs synthesize', () => {
    const file = join(work, 'config.yaml');
    writeFileSync(file, podtailConfigText(objs));
    const ok = podtail(['validate', '--config', file], { K8S_NODE_NAME: 'node-a' });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain(`config ${file} is valid`);
    expect(ok.status).toBe(0);
    // outside a pod the downward-API variable is missing: named, exit 1
    const noNode = podtail(['validate', '--config', file]);
    expect(noNode.status).toBe(1);
    expect(noNode.stderr).toContain(
      'environment variable K8S_NODE_NAME is referenced as ${K8S_NODE_NAME} but not set',
    );
  });

  test('`podtail validate` from the image rejects a bad config: exit 1, every key named', () => {
    const config = parse(podtailConfigText(objs)) as Record<string, Record<string, unknown>>;
    config.exporter.batch = { maxRecords: 0 };
    config.training = { rank: { sources: ['body'] } };
    config.limits = { recordsPerSecond: 'fast' };
    const file = join(work, 'bad.yaml');
    writeFileSync(file, stringify(config));
    const bad = podtail(['validate', '--config', file], { K8S_NODE_NAME: 'node-a' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`invalid podtail config ${file}`);
    expect(bad.stderr).toMatch(/exporter\.batch\.maxRecords: .*\(got 0\)/);
    expect(bad.stderr).toMatch(/training\.rank\.bodyPattern: is required because sources lists "body"/);
    expect(bad.stderr).toMatch(/limits\.recordsPerSecond: .*\(got "fast"\)/);
  });

  describe('runs as the image user (65532) from a read-only install', () => {
    let sink: Sink;
    let node: string;
    beforeAll(async () => {
      sink = await startSink();
      node = join(work, 'node');
    });
    afterAll(async () => {
      await sink?.close();
    });

    test('ships a line and keeps its cursor; writes nothing but the cursor directory', async () => {
      // the image's filesystem is root-owned and not writable by 65532
      spawnSync('chmod', ['-R', 'a-w', image.hostPath('/opt/podtail')]);
      const logDir = join(node, 'var/log/pods/apps_web-0_uid-web-0/web');
      mkdirSync(logDir, { recursive: true });
      const state = join(node, 'var/lib/podtail');
      mkdirSync(state, { recursive: true });
      chownSync(state, NONROOT, NONROOT);
      appendFileSync(join(logDir, '0.log'), `${new Date().toISOString()} stdout F hello from the image\n`);
      const config = parse(podtailConfigText(objs)) as Record<string, Record<string, unknown>>;
      config.exporter.endpoint = sink.url;
      config.containerd = { enabled: false };
      config.kubernetes = { enabled: false };
      config.server = { port: 0, host: '127.0.0.1' };
      const file = join(work, 'run.yaml');
      writeFileSync(file, stringify(config));
      const before = listing(image.hostPath('/'));

      const child = spawn(
        process.execPath,
        [image.hostPath(entrypoint[1]), 'run', '--config', file, '--host-root', node],
        {
          uid: NONROOT,
          gid: NONROOT,
          cwd: '/',
          env: { PATH: process.env.PATH, K8S_NODE_NAME: 'node-a' },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      try {
        const deadline = Date.now() + 30_000;
        while (!sink.requests.some((r) => r.path === '/v1/logs')) {
          if (child.exitCode !== null || Date.now() > deadline)
            throw new Error(`no export; podtail said:\n${stderr}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        child.kill('SIGTERM');
      }
      const code = await new Promise<number | null>((r) =>
        child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c)),
      );
      expect(code).toBe(0);
      const records = sink.requests.filter((r) => r.path === '/v1/logs').flatMap((r) => decodeLogs(r.body));
      expect(records.map((r) => r.body)).toEqual(['hello from the image']);
      expect(records[0].resource).toMatchObject({
        'k8s.namespace.name': 'apps',
        'k8s.pod.name': 'web-0',
        'k8s.node.name': 'node-a',
      });
      const cursors = join(state, 'cursors');
      expect(readdirSync(cursors).length).toBeGreaterThan(0);
      expect(statSync(cursors).uid).toBe(NONROOT);
      expect(listing(image.hostPath('/'))).toEqual(before);
      expect(stderr).not.toMatch(/EACCES|EROFS/);
    });
  });

  test("the constructs' default podtail image is ghcr.io/otel-tiers/podtail:<podtail package version>", () => {
    expect(defaultPodtailImage()).toBe(`ghcr.io/otel-tiers/podtail:${PODTAIL_VERSION}`);
    const c = containersOf(findObject(objs, 'DaemonSet', 'otel-agent')).find((x) => x.name === 'podtail')!;
    expect(c.image).toBe(`ghcr.io/otel-tiers/podtail:${PODTAIL_VERSION}`);
    // the Dockerfile's documented build command tags with the same version
    const header = readFileSync(join(REPO, 'runtime/Dockerfile'), 'utf8');
    expect(header).toContain(
      `-t ghcr.io/otel-tiers/podtail:$(node -p "require('./runtime/package.json').version")`,
    );
  });

  test('the collector and Target Allocator images are pinned by version; `latest` fails the synth', () => {
    for (const img of [COLLECTOR_IMAGE, TARGET_ALLOCATOR_IMAGE]) expect(img).toMatch(/:\d+\.\d+\.\d+$/);
    const images = objs
      .filter((o) => ['DaemonSet', 'Deployment', 'StatefulSet'].includes(o.kind))
      .flatMap((o) => containersOf(o).map((c) => c.image));
    expect(images.length).toBeGreaterThan(3);
    for (const img of images) expect(img).toMatch(/:\d+\.\d+\.\d+$|@sha256:[a-f0-9]{64}$/);
    expect(images).toContain(COLLECTOR_IMAGE);
    const chart = Testing.chart();
    expect(() => {
      new AgentTier(chart, 'agent', {
        namespace: 'monitoring',
        gateway: GatewayEndpoint.fromAddress('gw:4317'),
        image: 'otel/opentelemetry-collector-contrib:latest',
      });
      Testing.synth(chart);
    }).toThrow(
      /AgentTier 'agent': props\.image = "otel\/opentelemetry-collector-contrib:latest": is not pinned/,
    );
  });
});

/** Every path below `dir` with its size and mtime, to prove nothing was written there. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isSymbolicLink()) continue;
      const s = statSync(p);
      out.push(`${p} ${s.size} ${s.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

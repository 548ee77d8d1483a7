import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { npmPack, run, tarEntries, type PackResult } from './e2e/pack';
import {
  findObject,
  podtailConfigText,
  readSynthOutput,
  validateObject,
  type Manifest,
} from './e2e/manifests';

/**
 * The construct library and podtail as an organisation consumes them: packed by npm, installed
 * from the tarballs into a scratch cdk8s app, used from plain JavaScript.
 */
describe('shared-library use: npm pack, install into a scratch app, synthesize', () => {
  let work: string;
  let app: string;
  let lib: PackResult;
  let podtail: PackResult;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'otel-tiers-pack-'));
    lib = npmPack(work);
    podtail = npmPack(work, 'podtail');
    app = join(work, 'app');
    run('mkdir', ['-p', app], { cwd: work });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'org-observability', version: '1.0.0', private: true }, null, 2),
    );
    // cdk8s, cdk8s-plus-28, constructs, zod, yaml, ... come from the npm cache
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', lib.tarball, podtail.tarball], {
      cwd: app,
    });
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const noSources = (files: readonly string[]): string[] =>
    files.filter(
      (f) =>
        /(^|\/)(src|test|tests|__snapshots__)\//.test(f) ||
        (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) ||
        /\.(tsbuildinfo|map)$/.test(f) ||
        /(^|\/)tsconfig[^/]*\.json$/.test(f),
    );

  test('the construct library tarball: compiled JS with declarations, the CRD imports, README; no sources or tests', () => {
    expect(lib.name).toBe('otel-tiers');
    const files = tarEntries(lib.tarball);
    expect(files.sort()).toEqual([...lib.files].sort());
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'RUNBOOK.md',
        'constructs/lib/index.js',
        'constructs/lib/index.d.ts',
        'constructs/lib/tiers/agent-tier.js',
        'constructs/lib/tiers/agent-tier.d.ts',
        'imports/lib/prometheusrule-monitoring.coreos.com.js',
        'imports/lib/prometheusrule-monitoring.coreos.com.d.ts',
        'imports/lib/collector-opentelemetry.io.js',
      ]),
    );
    expect(noSources(files)).toEqual([]);
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.filter((f) => !files.includes(f.replace(/\.js$/, '.d.ts')))).toEqual([]);
    expect(files.filter((f) => !/^(constructs\/lib|imports\/lib)\//.test(f)).sort()).toEqual([
      'README.md',
      'RUNBOOK.md',
      'package.json',
    ]);
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules/otel-tiers/package.json'), 'utf8')) as {
      main: string;
      types: string;
    };
    expect(files).toContain(pkg.main);
    expect(files).toContain(pkg.types);
  });

  test('the podtail tarball: compiled JS with declarations, bin, protos, README; no sources or tests', () => {
    expect(podtail.name).toBe('podtail');
    const files = tarEntries(podtail.tarball);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'bin/podtail.js',
        'lib/index.js',
        'lib/index.d.ts',
        'lib/config/index.js',
        'lib/config/index.d.ts',
        'lib/cli/main.js',
        'proto/containerd.proto',
      ]),
    );
    expect(noSources(files)).toEqual([]);
    expect(
      files.filter(
        (f) => f.endsWith('.js') && f.startsWith('lib/') && !files.includes(f.replace(/\.js$/, '.d.ts')),
      ),
    ).toEqual([]);
  });

  test('a plain-JavaScript cdk8s app builds stacks from the installed package; the output is valid and consistent', () => {
    writeFileSync(
      join(app, 'main.js'),
      `'use strict';
const { App, Chart } = require('cdk8s');
const { ReferenceStack, AgentTier, GatewayEndpoint, LogsSource, OTEL_TIERS_VERSION } = require('otel-tiers');

const app = new App({ outdir: process.argv[2] });
new ReferenceStack(app, 'org', { namespace: 'observability', disableResourceNameHashes: true });
const edge = new Chart(app, 'edge', { namespace: 'edge', disableResourceNameHashes: true });
new AgentTier(edge, 'agent', {
  gateway: GatewayEndpoint.fromAddress('otel-gateway.observability.svc.cluster.local:4317'),
  logs: LogsSource.podtail({ settings: { limits: { enabled: true, recordsPerSecond: 500 } } }),
});
app.synth();
console.log('otel-tiers ' + OTEL_TIERS_VERSION);
`,
    );
    const outdir = join(work, 'dist');
    expect(run(process.execPath, ['main.js', outdir], { cwd: app })).toBe(`otel-tiers ${lib.version}\n`);
    const objs = readSynthOutput(outdir);
    for (const o of objs) validateObject(o);

    const byNs = (ns: string): Manifest[] => objs.filter((o) => o.metadata.namespace === ns);
    expect(byNs('observability').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining([
        'DaemonSet/otel-agent',
        'StatefulSet/otel-gateway',
        'Deployment/otel-cluster-agent',
        'PrometheusRule/otel-tiers-alerts',
      ]),
    );
    expect(
      byNs('edge')
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    ).toEqual([
      'ConfigMap/otel-agent-config',
      'ConfigMap/otel-agent-podtail',
      'DaemonSet/otel-agent',
      'Service/otel-agent',
      'ServiceAccount/otel-agent',
    ]);

    // the default podtail image is the installed podtail's version
    const images = objs
      .filter((o) => o.kind === 'DaemonSet')
      .flatMap((o) =>
        (
          o as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }
        ).spec.template.spec.containers.map((c) => c.image),
      );
    expect(images.filter((i) => i.includes('podtail'))).toEqual([
      `ghcr.io/otel-tiers/podtail:${podtail.version}`,
      `ghcr.io/otel-tiers/podtail:${podtail.version}`,
    ]);

    // the edge agent's podtail config, checked by the installed podtail CLI
    const edgeObjs = byNs('edge');
    const configFile = join(work, 'edge-podtail.yaml');
    writeFileSync(configFile, podtailConfigText(edgeObjs));
    expect(parse(readFileSync(configFile, 'utf8'))).toMatchObject({
      limits: { enabled: true, recordsPerSecond: 500 },
    });
    const bin = join(app, 'node_modules/.bin/podtail');
    expect(
      run(bin, ['validate', '--config', configFile], { cwd: app, env: { K8S_NODE_NAME: 'node-1' } }),
    ).toContain('is valid');
    expect(findObject(edgeObjs, 'Service', 'otel-agent')).toBeDefined();
  });

  test('loading the construct library loads podtail/config only: no engine, gRPC or Kubernetes client', () => {
    const loaded = run(
      process.execPath,
      [
        '-e',
        "require('otel-tiers'); console.log(Object.keys(require.cache).filter((p) => p.includes('node_modules')).join('\\n'))",
      ],
      { cwd: app },
    ).split('\n');
    expect(loaded.some((p) => p.includes('/node_modules/podtail/lib/config/'))).toBe(true);
    expect(
      loaded.filter((p) =>
        /@grpc|@kubernetes|protobufjs|prom-client|\/podtail\/lib\/(engine|cli|containerd)\//.test(p),
      ),
    ).toEqual([]);
  });

  test('the declarations type-check a TypeScript consumer (and reject a wrong settings type)', () => {
    writeFileSync(
      join(app, 'check.ts'),
      `import { App } from 'cdk8s';
import { ReferenceStack, LogsSource, type PodtailSettings } from 'otel-tiers';
import { validateConfig, type PodtailConfigInput } from 'podtail/config';

const settings: PodtailSettings = { training: { rank: { sources: ['env:RANK'] } } };
const input: PodtailConfigInput = { nodeName: 'n', exporter: { type: 'otlphttp', endpoint: 'http://localhost:4318' } };
validateConfig(input);
const stack = new ReferenceStack(new App(), 'x', { namespace: 'ns' });
const agentName: string = stack.agent.tierName;
LogsSource.podtail({ settings });
// @ts-expect-error rank sources are strings
LogsSource.podtail({ settings: { training: { rank: { sources: [5] } } } });
void agentName;
`,
    );
    run(
      process.execPath,
      [
        join(__dirname, '../../node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'node16',
        '--moduleResolution',
        'node16',
        '--target',
        'es2022',
        '--skipLibCheck',
        'check.ts',
      ],
      { cwd: app },
    );
  });
});

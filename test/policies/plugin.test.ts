import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { POLICIES_DIR, REPO } from './helpers';

// A scratch cdk8s app: one chart with a Deployment whose image comes from $IMAGE.
const APP = `
const { App, Chart, ApiObject } = require('cdk8s');
const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'demo' });
new ApiObject(chart, 'web', {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 1000 },
        containers: [{
          name: 'web',
          image: process.env.IMAGE,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
        }],
      },
    },
  },
});
app.synth();
`;

let dir: string;
const version = JSON.parse(readFileSync(join(POLICIES_DIR, 'package.json'), 'utf8')).version as string;

function synth(image: string, properties?: unknown) {
  writeFileSync(
    join(dir, 'cdk8s.yaml'),
    stringify({
      language: 'javascript',
      app: 'node app.js',
      output: 'dist',
      validations: [
        {
          package: POLICIES_DIR,
          version,
          class: 'PoliciesValidation',
          ...(properties ? { properties } : {}),
        },
      ],
    }),
  );
  const reports = join(dir, `reports-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  const r = spawnSync(
    join(REPO, 'node_modules', '.bin', 'cdk8s'),
    ['synth', '--no-check-upgrade', '--validation-reports-output-file', reports],
    {
      cwd: dir,
      env: {
        ...process.env,
        IMAGE: image,
        NODE_PATH: join(REPO, 'node_modules'),
        CDK8S_CHECK_UPGRADE: 'false',
      },
      encoding: 'utf8',
      timeout: 60000,
    },
  );
  let json:
    | {
        reports: {
          violations: {
            ruleName: string;
            violatingConstructs: { constructPath?: string; locations: string[] }[];
          }[];
          summary: { status: string; metadata?: Record<string, string> };
        }[];
      }
    | undefined;
  try {
    json = JSON.parse(readFileSync(reports, 'utf8'));
  } catch {
    json = undefined;
  }
  return { status: r.status, output: `${r.stdout}\n${r.stderr}`, json };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'policies-plugin-'));
  writeFileSync(join(dir, 'app.js'), APP);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('cdk8s validation plugin, through the real cdk8s synth', () => {
  it('a compliant chart synthesizes (exit 0)', () => {
    const r = synth('nginx:1.27.1');
    expect(r.output).toContain('Validations ended succesfully');
    expect(r.status).toBe(0);
    expect(r.json?.reports[0].summary.status).toBe('success');
  });

  it('a violating chart fails synth, and the report names the rule, the construct path and the location', () => {
    const r = synth('nginx:latest');
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('image-pinned [error]');
    expect(r.output).toContain('Construct Path: shop/web');
    expect(r.output).toContain("container 'web' image nginx:latest uses tag 'latest'");
    const violation = r.json?.reports[0].violations[0];
    expect(violation?.ruleName).toBe('image-pinned [error]');
    expect(violation?.violatingConstructs[0].constructPath).toBe('shop/web');
    expect(violation?.violatingConstructs[0].locations[0]).toContain(
      'spec.template.spec.containers[0].image',
    );
  });

  it('plugin properties switch a rule off, and the report records the reason', () => {
    const r = synth('nginx:latest', {
      rules: { 'image-pinned': { enabled: false, reason: 'pinned by digest in the deploy pipeline' } },
    });
    expect(r.status).toBe(0);
    expect(r.json?.reports[0].summary.metadata?.['Disabled image-pinned']).toBe(
      'pinned by digest in the deploy pipeline',
    );
  });

  it('invalid plugin properties stop synth with a message naming the key', () => {
    const r = synth('nginx:1.27.1', { rules: { 'image-pinned': { enabled: false } } });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('rules.image-pinned.reason');
  });
});

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, FIXTURES } from './helpers';

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'policies-cli-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('policies check (the bin launcher, as a process)', () => {
  it('passes a compliant directory (exit 0) and says so', () => {
    const r = run('check', join(FIXTURES, 'good'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No findings in');
    expect(r.stdout).toContain('PASSED');
  });

  it('fails on a violation (exit 1) with a table naming rule, resource, location and what to do', () => {
    const r = run('check', join(FIXTURES, 'bad', 'rbac-no-secrets.yaml'));
    expect(r.status).toBe(1);
    const [header, , row] = r.stdout.split('\n');
    expect(header).toMatch(/^SEVERITY\s+RULE\s+RESOURCE\s+LOCATION\s+MESSAGE$/);
    expect(row).toMatch(
      /^error\s+rbac-no-secrets\s+Role\/monitoring\/reader\s+rules\[0\]\.resources\s+rules\[0\] grants get, list on secrets$/,
    );
    expect(r.stdout).toContain('What to do:');
    expect(r.stdout).toContain('FAILED: 1 error(s)');
  });

  it('writes JSON with --format json', () => {
    const r = run('check', '--format', 'json', join(FIXTURES, 'bad'));
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.failed).toBe(true);
    expect(report.findings.length).toBeGreaterThanOrEqual(30);
    expect(report.findings[0]).toEqual(
      expect.objectContaining({
        ruleId: expect.any(String),
        severity: 'error',
        location: expect.any(String),
      }),
    );
  });

  it('--disable and --severity record their reasons; --fail-on sets the threshold', () => {
    const file = join(FIXTURES, 'bad', 'image-pinned.yaml');
    const off = run('check', '--disable', 'image-pinned=pinned at deploy time', file);
    expect(off.status).toBe(0);
    expect(off.stdout).toContain('Disabled rules:\n  image-pinned: pinned at deploy time');

    const warn = run('check', '--severity', 'image-pinned=warning:dev cluster', file);
    expect(warn.status).toBe(0);
    expect(warn.stdout).toMatch(/^warning\*\s+image-pinned/m);
    expect(warn.stdout).toContain(
      'image-pinned on Deployment/monitoring/app (rules.image-pinned): dev cluster',
    );

    expect(
      run('check', '--severity', 'image-pinned=warning:dev cluster', '--fail-on', 'warning', file).status,
    ).toBe(1);
  });

  it('reads options from --config (the same keys as the plugin properties)', () => {
    const cfg = join(tmp, 'policies.yaml');
    writeFileSync(
      cfg,
      'hostPathAllowList: ["/etc"]\nrules:\n  resources-set: { severity: info, reason: "sized by VPA" }\n',
    );
    const r = run(
      'check',
      '--format',
      'json',
      '--config',
      cfg,
      join(FIXTURES, 'bad', 'hostpath-allow-list.yaml'),
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });

  it('exits 2 with a message naming the problem on bad input', () => {
    const missing = run('check', join(tmp, 'nope.yaml'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: no such file or directory');

    const notK8s = join(tmp, 'not-k8s.yaml');
    writeFileSync(notK8s, 'hello: world\n');
    const r = run('check', notK8s);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "document 1 is not a Kubernetes object (it needs string 'apiVersion' and 'kind')",
    );

    const broken = join(tmp, 'broken.yaml');
    writeFileSync(broken, 'kind: [\n');
    expect(run('check', broken).stderr).toContain('is not valid YAML');

    const noReason = run('check', '--disable', 'image-pinned', join(FIXTURES, 'good'));
    expect(noReason.status).toBe(2);
    expect(noReason.stderr).toContain('expected RULE=REASON');

    const typo = run('check', '--disable', 'image-pined=x', join(FIXTURES, 'good'));
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('rules.image-pined: no such rule');

    expect(run('frobnicate').status).toBe(2);
  });

  it('checks a cdk8s output directory, ignoring construct-metadata.json beside the manifests', () => {
    const out = join(tmp, 'dist');
    mkdirSync(join(out, 'nested'), { recursive: true });
    copyFileSync(join(FIXTURES, 'good', 'stack.yaml'), join(out, 'nested', 'stack.k8s.yaml'));
    writeFileSync(join(out, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources: {} }));
    const r = run('check', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No findings in 14 resources.');
  });

  it('reads standard input with -', () => {
    const text = readFileSync(join(FIXTURES, 'bad', 'no-privileged.yaml'), 'utf8');
    const r = spawnSync(process.execPath, [BIN, 'check', '-'], {
      input: text,
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^error\s+no-privileged\s+Deployment\/monitoring\/app/m);
  });

  it('lists the rules', () => {
    const r = run('rules', '--format', 'json');
    expect(r.status).toBe(0);
    const rules = JSON.parse(r.stdout) as { id: string }[];
    expect(rules.map((x) => x.id)).toContain('collector-memory-limiter-first');
  });
});

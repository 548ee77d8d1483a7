import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluate, formatTable, loadManifests } from '@otel-tiers/policies';
import { REPO } from './helpers';

/** The plugin entry of cdk8s.yaml: the default stack is checked with exactly these properties. */
function pluginProperties(): unknown {
  const config = parse(readFileSync(join(REPO, 'cdk8s.yaml'), 'utf8')) as {
    validations?: { package: string; class: string; properties?: unknown }[];
  };
  const entry = config.validations?.find(
    (v) => v.package === './policies' && v.class === 'PoliciesValidation',
  );
  if (!entry)
    throw new Error('cdk8s.yaml has no validations entry for ./policies (class PoliciesValidation)');
  return entry.properties ?? {};
}

describe('the default stack (src/main.ts)', () => {
  let out: string;
  const saved = process.env.CDK8S_OUTDIR;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'policies-default-stack-'));
    process.env.CDK8S_OUTDIR = out;
    // importing the app runs app.synth() into CDK8S_OUTDIR
    await jest.isolateModulesAsync(async () => {
      await import(join(REPO, 'src', 'main'));
    });
  });

  afterAll(() => {
    if (saved === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = saved;
    rmSync(out, { recursive: true, force: true });
  });

  it('passes every policy with the properties configured in cdk8s.yaml', () => {
    const resources = loadManifests([out]);
    expect(resources.length).toBeGreaterThan(0);
    const report = evaluate(resources, pluginProperties());
    // the table names every finding, so a failure here says what to fix
    expect(report.failed ? formatTable(report) : 'passed').toBe('passed');
  });
});

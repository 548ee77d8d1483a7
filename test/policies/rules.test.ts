import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { evaluate, INVALID_OVERRIDE_RULE, loadManifests, RULES } from '@otel-tiers/policies';
import { FIXTURES } from './helpers';

const badDir = join(FIXTURES, 'bad');
const badFiles = readdirSync(badDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
/** `rule-id.yaml` or `rule-id--variant.yaml`. */
const expectedRule = (file: string) => basename(file, '.yaml').split('--')[0];

describe('rules', () => {
  it('every rule has an id, a severity, a description and a recommendation', () => {
    const ids = new Set<string>();
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(ids.has(r.id)).toBe(false);
      ids.add(r.id);
      expect(['error', 'warning', 'info']).toContain(r.severity);
      expect(r.description.length).toBeGreaterThan(20);
      expect(r.recommendation.length).toBeGreaterThan(20);
    }
  });

  it('README.md documents every rule', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const id of [...RULES.map((r) => r.id), INVALID_OVERRIDE_RULE])
      expect(doc).toContain(`| \`${id}\` |`);
  });

  it('every rule (and the override check) has at least one failing fixture', () => {
    const covered = new Set(badFiles.map(expectedRule));
    for (const r of RULES) expect(covered).toContain(r.id);
    expect(covered).toContain(INVALID_OVERRIDE_RULE);
    for (const id of covered) expect([...RULES.map((r) => r.id), INVALID_OVERRIDE_RULE]).toContain(id);
  });

  it.each(badFiles)('%s yields exactly one finding, of the rule it is named after', (file) => {
    const report = evaluate(loadManifests([join(badDir, file)]));
    expect(report.entries.map((e) => `${e.ruleId}: ${e.message}`)).toHaveLength(1);
    const [finding] = report.entries;
    expect(finding.ruleId).toBe(expectedRule(file));
    expect(finding.severity).toBe('error');
    expect(finding.file).toBe(join(badDir, file));
    expect(finding.location).not.toBe('');
    expect(finding.recommendation.length).toBeGreaterThan(20);
    expect(report.failed).toBe(true);
  });

  it.each(['stack.yaml', 'helm-output.yaml'])('compliant fixture %s passes with no finding', (file) => {
    const report = evaluate(loadManifests([join(FIXTURES, 'good', file)]));
    expect(report.entries).toEqual([]);
    expect(report.failed).toBe(false);
    expect(report.resourceCount).toBeGreaterThan(4);
  });

  it('names the value in the message and the exact path of the problem', () => {
    const pinned = evaluate(loadManifests([join(badDir, 'image-pinned.yaml')])).entries[0];
    expect(pinned.message).toContain('ghcr.io/example/app:latest');
    expect(pinned.location).toBe('spec.template.spec.containers[0].image');
    expect(pinned.resource).toBe('Deployment/monitoring/app');

    const creds = evaluate(loadManifests([join(badDir, 'collector-no-inline-credentials.yaml')])).entries[0];
    expect(creds.location).toBe('data["collector.yaml"]: exporters.otlphttp.headers.Authorization');
    expect(creds.message).not.toContain('s3cr3t'); // never echo the secret

    const ta = evaluate(loadManifests([join(badDir, 'gateway-target-allocator--hpa.yaml')])).entries[0];
    expect(ta.message).toContain('4 replicas');
  });
});

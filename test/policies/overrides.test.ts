import { join } from 'node:path';
import { evaluate, loadManifests, PolicyOptionsError } from '@otel-tiers/policies';
import { FIXTURES } from './helpers';

const fixture = (p: string) => loadManifests([join(FIXTURES, p)]);

describe('overrides', () => {
  it('a skip annotation suppresses the finding and records the reason', () => {
    const report = evaluate(fixture('overrides/skip-annotation.yaml'));
    expect(report.entries).toEqual([]);
    expect(report.failed).toBe(false);
    expect(report.suppressed).toHaveLength(1);
    expect(report.suppressed[0]).toMatchObject({
      ruleId: 'image-pinned',
      override: {
        source: 'annotation',
        key: 'policies.otel-tiers.io/skip.image-pinned',
        reason: 'dev-only scratch deployment, rebuilt every hour',
      },
    });
  });

  it('a severity annotation lowers the finding to a warning, with the reason, and the check passes', () => {
    const report = evaluate(fixture('overrides/severity-annotation.yaml'));
    expect(report.entries).toHaveLength(1);
    expect(report.entries[0]).toMatchObject({
      ruleId: 'resources-set',
      severity: 'warning',
      defaultSeverity: 'error',
      override: { reason: 'sized by the VPA in recommend mode' },
    });
    expect(report.failed).toBe(false);
    expect(evaluate(fixture('overrides/severity-annotation.yaml'), { failOn: 'warning' }).failed).toBe(true);
  });

  it('a global override switches a rule off with its reason', () => {
    const report = evaluate(fixture('bad/image-pinned.yaml'), {
      rules: { 'image-pinned': { enabled: false, reason: 'images are pinned by digest at deploy time' } },
    });
    expect(report.entries).toEqual([]);
    expect(report.disabledRules).toEqual([
      { ruleId: 'image-pinned', reason: 'images are pinned by digest at deploy time' },
    ]);
    // only that rule: others still run
    const other = evaluate(fixture('bad/no-privileged.yaml'), {
      rules: { 'image-pinned': { enabled: false, reason: 'x' } },
    });
    expect(other.entries.map((e) => e.ruleId)).toEqual(['no-privileged']);
  });

  it('a global severity override changes the severity and records the reason', () => {
    const report = evaluate(fixture('bad/resources-set.yaml'), {
      rules: { 'resources-set': { severity: 'info', reason: 'staging cluster' } },
    });
    expect(report.entries[0]).toMatchObject({
      severity: 'info',
      override: { source: 'options', key: 'rules.resources-set' },
    });
    expect(report.failed).toBe(false);
  });

  it('an annotation wins over the global override', () => {
    const report = evaluate(fixture('overrides/severity-annotation.yaml'), {
      rules: { 'resources-set': { severity: 'info', reason: 'global' } },
    });
    expect(report.entries[0].severity).toBe('warning');
  });

  it('rejects overrides without a reason, unknown rules and bad severities, naming the key', () => {
    expect(() => evaluate([], { rules: { 'image-pinned': { enabled: false } } })).toThrow(PolicyOptionsError);
    expect(() => evaluate([], { rules: { 'image-pinned': { enabled: false, reason: ' ' } } })).toThrow(
      /rules\.image-pinned\.reason/,
    );
    expect(() => evaluate([], { rules: { 'image-pined': { enabled: false, reason: 'typo' } } })).toThrow(
      /rules\.image-pined: no such rule/,
    );
    expect(() => evaluate([], { rules: { 'image-pinned': { severity: 'fatal', reason: 'x' } } })).toThrow(
      /rules\.image-pinned\.severity \(got "fatal"\)/,
    );
    expect(() => evaluate([], { hostPathAllowList: ['var/log'] })).toThrow(
      /hostPathAllowList\.0 \(got "var\/log"\): must be an absolute path/,
    );
  });
});

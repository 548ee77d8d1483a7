import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { FAILURE_KINDS } from 'podtail/config';
import { AlertRules, failureAlertName, runbookAnchor } from '../../../constructs/src/alerts';

const RUNBOOK = readFileSync(join(__dirname, '../../../RUNBOOK.md'), 'utf8');

/** GitHub's heading slug: lowercase, drop punctuation, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

/** The `## ` sections of RUNBOOK.md by anchor. */
function sections(): Map<string, string> {
  const map = new Map<string, string>();
  const parts = RUNBOOK.split(/^## /m).slice(1);
  for (const part of parts) {
    const [heading, ...body] = part.split('\n');
    map.set(slug(heading), body.join('\n'));
  }
  return map;
}

function allAlerts(): { alert: string; url: string }[] {
  const chart = new Chart(Testing.app(), 'alerts', { namespace: 'monitoring' });
  const rules = new AlertRules(chart, 'alerts');
  const manifest = Testing.synth(chart)[0] as {
    spec: { groups: { rules: { alert: string; annotations: { runbook_url: string } }[] }[] };
  };
  expect(rules.alertNames.length).toBeGreaterThan(0);
  return manifest.spec.groups.flatMap((g) =>
    g.rules.map((r) => ({ alert: r.alert, url: r.annotations.runbook_url })),
  );
}

describe('RUNBOOK.md', () => {
  const bySlug = sections();

  test('every alert has a section with what it means, how to confirm, what to do', () => {
    const missing: string[] = [];
    for (const { alert, url } of allAlerts()) {
      const anchor = url.split('#')[1];
      expect(anchor).toBe(runbookAnchor(alert));
      const body = bySlug.get(anchor);
      if (!body) {
        missing.push(alert);
        continue;
      }
      expect(body).toContain('**What it means.**');
      expect(body).toContain('**How to confirm.**');
      expect(body).toContain('**What to do.**');
    }
    expect(missing).toEqual([]);
  });

  test('every podtail failure kind has an alert and a section that names the kind', () => {
    const alerts = new Set(allAlerts().map((a) => a.alert));
    for (const { kind } of FAILURE_KINDS) {
      const name = failureAlertName(kind);
      expect(alerts).toContain(name);
      expect(bySlug.get(runbookAnchor(name))).toContain(`"${kind}"`);
    }
  });

  test('has no section without an alert, and its internal links resolve', () => {
    const anchors = new Set(allAlerts().map((a) => runbookAnchor(a.alert)));
    expect([...bySlug.keys()].filter((s) => !anchors.has(s))).toEqual([]);
    const links = [...RUNBOOK.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(20);
    expect(links.filter((l) => !bySlug.has(l))).toEqual([]);
  });
});

import type { Report } from '../engine';

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The report as a plain-text table for terminals and CI logs. */
export function formatTable(report: Report): string {
  const out: string[] = [];
  if (report.entries.length === 0) {
    out.push(`No findings in ${report.resourceCount} resources.`);
  } else {
    out.push(
      table(
        ['SEVERITY', 'RULE', 'RESOURCE', 'LOCATION', 'MESSAGE'],
        report.entries.map((e) => [
          e.severity + (e.override ? '*' : ''),
          e.ruleId,
          e.resource,
          e.location,
          e.message,
        ]),
      ),
    );
    out.push('');
    const seen = new Set<string>();
    out.push('What to do:');
    for (const e of report.entries) {
      if (seen.has(e.ruleId)) continue;
      seen.add(e.ruleId);
      out.push(`  ${e.ruleId}: ${e.recommendation}`);
    }
    const changed = report.entries.filter((e) => e.override);
    if (changed.length > 0) {
      out.push('');
      out.push('* severity changed by an override:');
      for (const e of changed)
        out.push(`  ${e.ruleId} on ${e.resource} (${e.override?.key}): ${e.override?.reason}`);
    }
  }
  if (report.suppressed.length > 0) {
    out.push('');
    out.push('Suppressed:');
    for (const s of report.suppressed) {
      out.push(`  ${s.ruleId} on ${s.resource} at ${s.location} (${s.override.key}): ${s.override.reason}`);
    }
  }
  if (report.disabledRules.length > 0) {
    out.push('');
    out.push('Disabled rules:');
    for (const d of report.disabledRules) out.push(`  ${d.ruleId}: ${d.reason}`);
  }
  out.push('');
  out.push(
    `${report.failed ? 'FAILED' : 'PASSED'}: ${report.counts.error} error(s), ${report.counts.warning} warning(s), ${report.counts.info} info; ${report.suppressed.length} suppressed; fails on ${report.failOn} and above.`,
  );
  return out.join('\n') + '\n';
}

import type { Report } from '../engine';

/** The report as JSON (stable field order, for machines and CI annotations). */
export function formatJson(report: Report): string {
  return JSON.stringify(
    {
      failed: report.failed,
      failOn: report.failOn,
      resources: report.resourceCount,
      counts: report.counts,
      findings: report.entries,
      suppressed: report.suppressed,
      disabledRules: report.disabledRules,
    },
    null,
    2,
  );
}

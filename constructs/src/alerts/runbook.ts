/**
 * The RUNBOOK.md anchor of an alert: its section heading is the alert name, and GitHub's heading
 * slug of a single word is that word lowercased.
 */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** The `runbook_url` annotation of an alert. */
export function runbookUrl(base: string, alert: string): string {
  return `${base.replace(/#.*$/, '')}#${runbookAnchor(alert)}`;
}

/** How much a finding matters: `error` fails a check, `warning` and `info` are reported only. */
export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/**
 * Log levels to OpenTelemetry severity numbers (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17,
 * FATAL 21). Text levels match case-insensitively with common aliases; numeric levels follow
 * the pino/bunyan scale (10 trace ... 60 fatal).
 */
const TEXT: Record<string, number> = {
  trace: 1,
  debug: 5,
  dbg: 5,
  info: 9,
  information: 9,
  notice: 10,
  warn: 13,
  warning: 13,
  error: 17,
  err: 17,
  critical: 21,
  crit: 21,
  fatal: 21,
  panic: 21,
  emergency: 24,
  emerg: 24,
  alert: 22,
};

const NUMERIC: Array<[number, number, string]> = [
  [10, 1, 'TRACE'],
  [20, 5, 'DEBUG'],
  [30, 9, 'INFO'],
  [40, 13, 'WARN'],
  [50, 17, 'ERROR'],
  [60, 21, 'FATAL'],
];

export function severityOf(level: unknown): { text: string; number?: number } | undefined {
  if (typeof level === 'string' && level !== '') {
    const n = TEXT[level.toLowerCase()];
    return { text: level, number: n };
  }
  if (typeof level === 'number' && Number.isFinite(level)) {
    const hit = NUMERIC.find(([lv]) => lv === level);
    if (hit) return { text: hit[2], number: hit[1] };
    return { text: String(level) };
  }
  return undefined;
}

import type { Logger } from '../pipeline/extension';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** podtail's own log: one JSON object a line on stderr (or any writable). */
export function createLogger(
  level: LogLevel = 'info',
  out: { write(s: string): unknown } = process.stderr,
  base: Record<string, unknown> = {},
): Logger {
  const min = ORDER[level];
  const at =
    (lvl: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (ORDER[lvl] < min) return;
      out.write(
        JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields }) + '\n',
      );
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

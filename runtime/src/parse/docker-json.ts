import { parseRfc3339String } from './timestamp';

/** A parsed docker json-file line. */
export interface DockerLine {
  time: string;
  stream: 0 | 1;
  partial: boolean;
  /** The message without its trailing newline. */
  message: string;
}

/**
 * Parses a docker json-file line `{"log":"...\n","stream":"stdout","time":"..."}`. A `log`
 * without a trailing newline is a partial line (docker splits long lines at 16 KiB).
 * Returns undefined when the line is not in that format.
 */
export function parseDockerLine(text: string): DockerLine | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (o === null || typeof o !== 'object') return undefined;
  const { log, stream, time } = o as { log?: unknown; stream?: unknown; time?: unknown };
  if (typeof log !== 'string' || typeof time !== 'string') return undefined;
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const t = parseRfc3339String(time);
  if (t === undefined) return undefined;
  const partial = !log.endsWith('\n');
  let message = partial ? log : log.slice(0, -1);
  if (!partial && message.endsWith('\r')) message = message.slice(0, -1);
  return { time: t, stream: stream === 'stdout' ? 0 : 1, partial, message };
}

import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { PodtailRecord } from '../pipeline/record';
import {
  sleep,
  type DroppedRecord,
  type ExportObserver,
  type ExportOutcome,
  type Exporter,
} from './exporter';
import { OtlpLogsEncoder } from './otlp-logs-encoder';

const gzip = promisify(zlib.gzip);

export interface OtlpHttpOptions {
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: 'auto' | 'gzip' | 'none';
  readonly timeoutMs: number;
  readonly retry: { readonly initialIntervalMs: number; readonly maxIntervalMs: number };
}

/** localhost, 127.0.0.0/8 and ::1. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Statuses that say the payload itself is bad (400 malformed, 413 too large): retrying the same
 * bytes cannot succeed, so the batch is split. Every other failure is retried as is, forever.
 */
function refusesPayload(status: number): boolean {
  return status === 400 || status === 413;
}

/** What a failed attempt means and how to fix it, for the log line. */
export function failureHint(reason: string, url: string): string {
  const status = /^\d+$/.test(reason) ? Number(reason) : undefined;
  if (status === undefined)
    return `cannot reach ${url} (${reason}): is the collector running and exporter.endpoint right? Retrying`;
  if (status === 401)
    return 'the collector wants credentials podtail does not send: set exporter.headers (e.g. authorization from ${ENV_VAR}). Retrying, nothing is dropped';
  if (status === 403)
    return 'the collector refuses the credentials in exporter.headers: check the token or API key. Retrying, nothing is dropped';
  if (status === 404)
    return `no OTLP/HTTP receiver at ${url}: exporter.endpoint must be the collector base URL (podtail appends /v1/logs). Retrying, nothing is dropped`;
  if (status === 408 || status === 429 || status >= 500)
    return 'the collector is overloaded or unavailable (memory_limiter, full queue, restart). Retrying with backoff';
  return `unexpected HTTP ${status} from ${url}: check exporter.endpoint and the collector. Retrying, nothing is dropped`;
}

/** `partial_success` of an ExportLogsServiceResponse (OTLP), if any records were rejected or a message given. */
export function parsePartialSuccess(
  body: Buffer,
  contentType: string | undefined,
): { rejected: number; message: string } | undefined {
  if (body.length === 0) return undefined;
  try {
    if (contentType?.includes('json')) {
      const doc = JSON.parse(body.toString('utf8')) as {
        partialSuccess?: { rejectedLogRecords?: number | string; errorMessage?: string };
      };
      const ps = doc.partialSuccess;
      if (!ps) return undefined;
      const rejected = Number(ps.rejectedLogRecords ?? 0);
      const message = ps.errorMessage ?? '';
      return rejected || message ? { rejected, message } : undefined;
    }
    // ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1 }
    // ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2 }
    const outer = readFields(body).get(1);
    if (!(outer instanceof Buffer)) return undefined;
    const inner = readFields(outer);
    const r = inner.get(1);
    const m = inner.get(2);
    const rejected = typeof r === 'number' ? r : 0;
    const message = m instanceof Buffer ? m.toString('utf8') : '';
    return rejected || message ? { rejected, message } : undefined;
  } catch {
    return undefined;
  }
}

/** The last value of each varint (wire type 0) and length-delimited (2) field of a message. */
function readFields(b: Buffer): Map<number, number | Buffer> {
  const out = new Map<number, number | Buffer>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (i >= b.length) throw new Error('truncated varint');
      const c = b[i++];
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 128;
    }
  };
  while (i < b.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.set(field, varint());
    else if (wire === 2) {
      const len = varint();
      if (i + len > b.length) throw new Error('truncated field');
      out.set(field, b.subarray(i, i + len));
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

/** `Retry-After` as milliseconds (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = value.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

interface Response {
  status: number;
  retryAfter?: string;
  contentType?: string;
  body: Buffer;
}

/** One request's end: acknowledged, or the payload refused (400/413). */
type PostResult =
  | { readonly kind: 'acked'; readonly bytes: number; readonly response: Response }
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string };

/** Longest honoured Retry-After: a misconfigured receiver cannot park podtail for a day. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * OTLP/HTTP protobuf to `<endpoint>/v1/logs` (metrics as OTLP/JSON to `/v1/metrics`), gzip,
 * keep-alive. Retries every failure (connection errors, 401, 403, 404, 408, 429, 5xx, ...) with
 * exponential backoff and jitter, honouring `Retry-After`, until acknowledged or aborted: a
 * wrong path or missing credentials pause podtail, they do not lose data. 400 and 413 refuse
 * the payload itself: the batch is split in halves, each retried, down to single records; a
 * record refused on its own is dropped and reported in the outcome.
 */
export class OtlpHttpExporter implements Exporter {
  private readonly encoder = new OtlpLogsEncoder();
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;
  /** The compression in effect (`auto` resolved against the endpoint). */
  readonly gzip: boolean;

  constructor(
    private readonly opts: OtlpHttpOptions,
    private readonly observer: ExportObserver = { attemptFailed: () => undefined },
  ) {
    this.base = new URL(opts.endpoint.endsWith('/') ? opts.endpoint : opts.endpoint + '/');
    this.gzip =
      opts.compression === 'gzip' || (opts.compression === 'auto' && !isLoopback(this.base.hostname));
    const isHttps = this.base.protocol === 'https:';
    this.client = isHttps ? https : http;
    this.agent = isHttps
      ? new https.Agent({ keepAlive: true, maxSockets: 4 })
      : new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  async exportLogs(records: readonly PodtailRecord[], signal: AbortSignal): Promise<ExportOutcome> {
    if (records.length === 0) return { kind: 'acked' };
    const dropped: DroppedRecord[] = [];
    let bytes = 0;
    let partialRejected = 0;
    const messages: string[] = [];
    const send = async (part: readonly PodtailRecord[]): Promise<void> => {
      // One request at a time, awaited: the encoder's buffer is reused only after it is sent.
      const res = await this.post(
        'v1/logs',
        this.encoder.encodeShared(part),
        'application/x-protobuf',
        signal,
      );
      if (res.kind === 'acked') {
        bytes += res.bytes;
        const ps = parsePartialSuccess(res.response.body, res.response.contentType);
        if (ps) {
          partialRejected += Math.min(ps.rejected, part.length);
          if (ps.message) messages.push(ps.message);
        }
        return;
      }
      if (part.length === 1) {
        dropped.push({ record: part[0], reason: res.reason });
        return;
      }
      // In order: the first half is acknowledged (or dropped) before the second is sent.
      const mid = Math.ceil(part.length / 2);
      await send(part.slice(0, mid));
      await send(part.slice(mid));
    };
    await send(records);
    return {
      kind: 'acked',
      bytes,
      ...(dropped.length ? { dropped } : {}),
      ...(partialRejected || messages.length
        ? { partialRejected, partialMessage: messages.join('; ').slice(0, 500) }
        : {}),
    };
  }

  async exportMetrics(request: { resourceMetrics: unknown[] }, signal: AbortSignal): Promise<void> {
    const body = Buffer.from(JSON.stringify({ resourceMetrics: request.resourceMetrics }));
    const res = await this.post('v1/metrics', body, 'application/json', signal);
    if (res.kind === 'refused') throw new Error(`metrics export rejected: ${res.reason}`);
  }

  /** Posts until acknowledged, the payload is refused (400/413) or `signal` aborts. */
  private async post(
    path: string,
    raw: Buffer,
    contentType: string,
    signal: AbortSignal,
  ): Promise<PostResult> {
    const payload = this.gzip ? await gzip(raw, { level: zlib.constants.Z_BEST_SPEED }) : raw;
    const url = new URL(path, this.base);
    let backoff = this.opts.retry.initialIntervalMs;
    for (;;) {
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      let res: Response | undefined;
      let reason: string;
      try {
        res = await this.request(url, payload, contentType, signal);
        if (res.status >= 200 && res.status < 300)
          return { kind: 'acked', bytes: payload.length, response: res };
        reason = String(res.status);
      } catch (e) {
        if (signal.aborted) throw signal.reason ?? e;
        reason = (e as NodeJS.ErrnoException).code ?? 'network';
      }
      this.observer.attemptFailed(reason, failureHint(reason, url.href));
      if (res && refusesPayload(res.status)) {
        return {
          kind: 'refused',
          status: res.status,
          reason: `HTTP ${res.status}: ${res.body.toString('utf8', 0, Math.min(res.body.length, 200))}`,
        };
      }
      const jitter = 0.8 + Math.random() * 0.4;
      let delay = Math.min(backoff, this.opts.retry.maxIntervalMs) * jitter;
      const after = parseRetryAfter(res?.retryAfter);
      if (after !== undefined) delay = Math.min(after, MAX_RETRY_AFTER_MS);
      backoff = Math.min(backoff * 2, this.opts.retry.maxIntervalMs);
      await sleep(delay, signal);
    }
  }

  private request(url: URL, payload: Buffer, contentType: string, signal: AbortSignal): Promise<Response> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {
        ...this.opts.headers,
        'content-type': contentType,
        'content-length': payload.length,
      };
      if (this.gzip) headers['content-encoding'] = 'gzip';
      const req = this.client.request(
        url,
        { method: 'POST', headers, agent: this.agent, timeout: this.opts.timeoutMs, signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ra = res.headers['retry-after'];
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: Array.isArray(ra) ? ra[0] : ra,
              contentType: res.headers['content-type'],
              body: Buffer.concat(chunks),
            });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

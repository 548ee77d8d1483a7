import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { PodtailRecord } from '../pipeline/record';
import { sleep, type ExportObserver, type ExportOutcome, type Exporter } from './exporter';
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

/** Status codes worth retrying: the receiver is overloaded, down or timed out. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
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
  body: string;
}

/** Longest honoured Retry-After: a misconfigured receiver cannot park podtail for a day. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * OTLP/HTTP protobuf to `<endpoint>/v1/logs` (metrics as OTLP/JSON to `/v1/metrics`), gzip,
 * keep-alive. Retries connection errors, 408, 429 and 5xx with exponential backoff and
 * jitter, honouring `Retry-After`, until acknowledged or aborted; other 4xx are rejections.
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
    const body = this.encoder.encode(records);
    return this.post('v1/logs', body, 'application/x-protobuf', signal);
  }

  async exportMetrics(request: { resourceMetrics: unknown[] }, signal: AbortSignal): Promise<void> {
    const body = Buffer.from(JSON.stringify({ resourceMetrics: request.resourceMetrics }));
    const outcome = await this.post('v1/metrics', body, 'application/json', signal);
    if (outcome.kind === 'rejected') throw new Error(`metrics export rejected: ${outcome.reason}`);
  }

  private async post(
    path: string,
    raw: Buffer,
    contentType: string,
    signal: AbortSignal,
  ): Promise<ExportOutcome> {
    const payload = this.gzip ? await gzip(raw, { level: zlib.constants.Z_BEST_SPEED }) : raw;
    const url = new URL(path, this.base);
    let backoff = this.opts.retry.initialIntervalMs;
    for (;;) {
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      let res: Response | undefined;
      let reason: string;
      try {
        res = await this.request(url, payload, contentType, signal);
        if (res.status >= 200 && res.status < 300) return { kind: 'acked' };
        reason = String(res.status);
      } catch (e) {
        if (signal.aborted) throw signal.reason ?? e;
        reason = (e as NodeJS.ErrnoException).code ?? 'network';
      }
      this.observer.attemptFailed(reason);
      if (res && !retryable(res.status)) {
        return { kind: 'rejected', reason: `HTTP ${res.status}: ${res.body.slice(0, 200)}` };
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
              body: Buffer.concat(chunks).toString('utf8'),
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

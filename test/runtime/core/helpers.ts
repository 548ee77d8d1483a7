import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { validateConfig, type PodtailConfigInput } from '../../../runtime/src/config';
import { Engine, type EngineOptions } from '../../../runtime/src/engine';

export interface Node {
  /** hostRoot */
  root: string;
  /** real log root (`<root>/var/log/pods`) */
  logs: string;
  out: string;
  cleanup(): void;
}

export function tempNode(prefix = 'podtail-core-'): Node {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const logs = join(root, 'var/log/pods');
  mkdirSync(logs, { recursive: true });
  return {
    root,
    logs,
    out: join(root, 'out.ndjson'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Creates the container directory and returns the path of `<n>.log`. */
export function logFile(
  node: Node,
  ns: string,
  pod: string,
  container: string,
  n = 0,
  uid = 'uid-' + pod,
): string {
  const dir = join(node.logs, `${ns}_${pod}_${uid}`, container);
  mkdirSync(dir, { recursive: true });
  return join(dir, `${n}.log`);
}

let seconds = 1_700_000_000;
export function criTime(): string {
  seconds++;
  return new Date(seconds * 1000).toISOString().replace('.000Z', '.123456789Z');
}

export function cri(msg: string, stream: 'stdout' | 'stderr' = 'stdout', tag: 'F' | 'P' = 'F'): string {
  return `${criTime()} ${stream} ${tag} ${msg}\n`;
}

export function append(path: string, text: string | Buffer): void {
  appendFileSync(path, text);
}

export function config(node: Node, extra: Record<string, unknown> = {}) {
  const { source, cursors, exporter, ...rest } = extra as {
    source?: object;
    cursors?: object;
    exporter?: object;
  };
  return validateConfig({
    nodeName: 'node-1',
    hostRoot: node.root,
    server: { enabled: false },
    source: { rescanIntervalMs: 200, rotationWaitMs: 2000, ...source },
    cursors: { directory: '/var/lib/podtail', ...cursors },
    exporter:
      exporter && (exporter as { type?: string }).type !== 'file'
        ? { batch: { maxDelayMs: 20 }, ...exporter }
        : { type: 'file', path: node.out, batch: { maxDelayMs: 20 }, ...exporter },
    ...rest,
  } as PodtailConfigInput);
}

export async function startEngine(
  node: Node,
  extra: Record<string, unknown> = {},
  opts: Partial<EngineOptions> = {},
) {
  const engine = new Engine({ config: config(node, extra), ...opts });
  await engine.start();
  return engine;
}

export interface OutRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  body: string;
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
}

export function readOut(node: Node): OutRecord[] {
  if (!existsSync(node.out)) return [];
  return readFileSync(node.out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OutRecord);
}

export function bodies(node: Node): string[] {
  return readOut(node).map((r) => r.body);
}

/** Polls until `fn` is true (or throws after `ms`). */
export async function waitFor(fn: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A local OTLP/HTTP sink: records every request; `respond` decides the status. */
export interface Sink {
  url: string;
  /** Acknowledged (2xx) requests, bodies decompressed; `wireBytes` is the body as received. */
  requests: Array<{ path: string; headers: http.IncomingHttpHeaders; body: Buffer; wireBytes: number }>;
  /** Every request, whatever the answer. */
  attempts: Array<{ path: string; status: number }>;
  respond: (
    path: string,
    body: Buffer,
  ) => { status: number; headers?: Record<string, string>; body?: Buffer | string };
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const sink: Sink = {
    url: '',
    requests: [],
    attempts: [],
    respond: () => ({ status: 200 }),
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const r = sink.respond(req.url ?? '', body);
      sink.attempts.push({ path: req.url ?? '', status: r.status });
      if (r.status >= 200 && r.status < 300) {
        sink.requests.push({ path: req.url ?? '', headers: req.headers, body, wireBytes: raw.length });
      }
      res.writeHead(r.status, { 'content-type': 'application/x-protobuf', ...(r.headers ?? {}) });
      res.end(r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sink.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return sink;
}

/**
 * A fresh node directory and a local OTLP/HTTP sink for every test of the enclosing `describe`,
 * closed and removed after each test. Read them through the returned object inside the tests.
 */
export function useNodeAndSink(): { readonly node: Node; readonly sink: Sink } {
  let node: Node | undefined;
  let sink: Sink | undefined;
  beforeEach(async () => {
    node = tempNode();
    sink = await startSink();
  });
  afterEach(async () => {
    await sink?.close();
    node?.cleanup();
  });
  return {
    get node(): Node {
      if (!node) throw new Error('useNodeAndSink: node is only available inside a test');
      return node;
    },
    get sink(): Sink {
      if (!sink) throw new Error('useNodeAndSink: sink is only available inside a test');
      return sink;
    },
  };
}

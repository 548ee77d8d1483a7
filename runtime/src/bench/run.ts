/**
 * `npm run bench`: podtail's throughput, CPU, memory, idle cost and latency, measured on this
 * machine against a local HTTP sink, with a floor (a Node loop counting newlines in the same
 * files) for scale. Prints a table; never asserts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { generateCorpus, type Corpus } from './corpus';

const CLK_TCK = 100;
const repo = resolve(__dirname, '../../..');
const benchDir = resolve(process.env.PODTAIL_BENCH_DIR ?? join(process.cwd(), '.bench'));
const podtailBin = join(repo, 'runtime/bin/podtail.js');

interface Sink {
  url: string;
  requests: number;
  bytes: number;
  onBody?: (body: Buffer) => void;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const sink: Sink = { url: '', requests: 0, bytes: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      sink.requests++;
      sink.bytes += raw.length;
      if (sink.onBody) sink.onBody(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
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

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is state (3rd field); utime is the 14th field, stime the 15th
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function metric(port: number, name: string): Promise<number> {
  const text = await new Promise<string>((resolveText, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolveText(body));
      })
      .on('error', reject);
  });
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

interface Run {
  child: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

async function runPodtail(
  hostRoot: string,
  name: string,
  sinkUrl: string,
  extra: Record<string, unknown> = {},
): Promise<Run> {
  const port = await freePort();
  const dir = join(benchDir, 'runs', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'podtail.yaml');
  writeFileSync(
    config,
    stringify({
      nodeName: 'bench-node',
      logLevel: 'warn',
      server: { host: '127.0.0.1', port },
      cursors: { directory: `/../runs/${name}/cursors` },
      exporter: { type: 'otlphttp', endpoint: sinkUrl },
      ...extra,
    }),
  );
  // PODTAIL_BENCH_NODE_ARGS: extra node flags for podtail, e.g. `--cpu-prof --cpu-prof-dir=DIR`.
  const nodeArgs = (process.env.PODTAIL_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, podtailBin, 'run', '--config', config, '--host-root', hostRoot],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await metric(port, 'podtail_records_read_total');
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('podtail did not start');
      await sleep(20);
    }
  }
  return {
    child,
    port,
    stop: async () => {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The floor: a Node loop reading the same files in 1 MiB chunks and counting newlines. */
function floor(corpus: Corpus): { lines: number; cpu: number; wall: number } {
  const buf = Buffer.allocUnsafe(1 << 20);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let lines = 0;
  for (const p of corpus.paths) {
    const fd = openSync(p, 'r');
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      let i = -1;
      while ((i = buf.indexOf(10, i + 1)) !== -1 && i < n) lines++;
    }
    closeSync(fd);
  }
  const c = process.cpuUsage(c0);
  return { lines, cpu: (c.user + c.system) / 1e6, wall: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function throughput(corpus: Corpus, sink: Sink, name: string, extra: Record<string, unknown> = {}) {
  const run = await runPodtail(corpus.hostRoot, name, sink.url, extra);
  const t0 = Date.now();
  const cpu0 = cpuSeconds(run.child.pid!);
  for (;;) {
    const exported = await metric(run.port, 'podtail_records_exported_total');
    if (exported >= corpus.records) break;
    if (Date.now() - t0 > 600_000) throw new Error(`stuck at ${exported} of ${corpus.records} records`);
    await sleep(50);
  }
  const wall = (Date.now() - t0) / 1000;
  const cpu = cpuSeconds(run.child.pid!) - cpu0;
  const rss = peakRssMb(run.child.pid!);
  await run.stop();
  return { wall, cpu, rss };
}

async function idleCost(sink: Sink, files: number, seconds: number) {
  const root = join(benchDir, 'idle');
  rmSync(root, { recursive: true, force: true });
  for (let i = 0; i < files; i++) {
    const d = join(root, `var/log/pods/idle_pod-${i}_${i}-uid/app`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, '0.log'), `2026-01-01T00:00:00.000000000Z stdout F idle ${i}\n`);
  }
  const run = await runPodtail(root, 'idle', sink.url);
  while ((await metric(run.port, 'podtail_records_exported_total')) < files) await sleep(100);
  await sleep(2000);
  const c0 = cpuSeconds(run.child.pid!);
  await sleep(seconds * 1000);
  const cpu = cpuSeconds(run.child.pid!) - c0;
  const rss = peakRssMb(run.child.pid!);
  await run.stop();
  return { share: cpu / seconds, rss };
}

async function latency(sink: Sink, rate: number, seconds: number) {
  const root = join(benchDir, 'latency');
  rmSync(root, { recursive: true, force: true });
  const files: string[] = [];
  for (let i = 0; i < 10; i++) {
    const d = join(root, `var/log/pods/lat_pod-${i}_${i}-uid/app`);
    mkdirSync(d, { recursive: true });
    files.push(join(d, '0.log'));
    writeFileSync(files[i], '');
  }
  const origin = performance.timeOrigin;
  const samples: number[] = [];
  sink.onBody = (body) => {
    const now = origin + performance.now();
    let i = 0;
    for (;;) {
      i = body.indexOf('lat:', i);
      if (i < 0) break;
      const end = body.indexOf(' ', i);
      samples.push(now - Number(body.toString('latin1', i + 4, end)));
      i = end;
    }
  };
  const run = await runPodtail(root, 'latency', sink.url);
  const tickMs = 10;
  const perTick = Math.round((rate * tickMs) / 1000);
  let written = 0;
  const started = Date.now();
  let k = 0;
  while (Date.now() - started < seconds * 1000) {
    const stamp = (origin + performance.now()).toFixed(3);
    const time = new Date().toISOString().replace('Z', '000000Z');
    const per = Math.ceil(perTick / files.length);
    for (const f of files) {
      let text = '';
      for (
        let j = 0;
        j < per && written < ((Date.now() - started) / 1000 + 0.01) * rate;
        j++, written++, k++
      ) {
        text += `${time} stdout F lat:${stamp} n=${k} ${'x'.repeat(120)}\n`;
      }
      if (text) appendFileSync(f, text);
    }
    await sleep(tickMs);
  }
  const deadline = Date.now() + 10_000;
  while (samples.length < written && Date.now() < deadline) await sleep(50);
  await run.stop();
  sink.onBody = undefined;
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  return { written, received: samples.length, p50: q(0.5), p99: q(0.99), max: samples[samples.length - 1] };
}

async function main(): Promise<void> {
  const lines = Number(process.env.PODTAIL_BENCH_LINES ?? 2_000_000);
  const spec = { lines, files: 50, partialShare: 0.05, avgLineBytes: 224 };
  process.stderr.write(`generating corpus (${lines} lines, 50 files) under ${benchDir}/corpus ...\n`);
  const corpus = generateCorpus(join(benchDir, 'corpus'), spec);
  const sink = await startSink();
  try {
    process.stderr.write('floor ...\n');
    floor(corpus); // warm the page cache
    const fl = floor(corpus);
    process.stderr.write('podtail, from the start ...\n');
    const tp = await throughput(corpus, sink, 'throughput');
    const sent = { requests: sink.requests, bytes: sink.bytes };
    process.stderr.write('podtail, from the start, gzip ...\n');
    const gz = await throughput(corpus, sink, 'throughput-gzip', {
      exporter: { type: 'otlphttp', endpoint: sink.url, compression: 'gzip' },
    });
    process.stderr.write('idle cost, 1000 files ...\n');
    const idle = await idleCost(sink, 1000, Number(process.env.PODTAIL_BENCH_IDLE_SECONDS ?? 20));
    process.stderr.write('latency at 10,000 lines/s ...\n');
    const lat = await latency(sink, 10_000, Number(process.env.PODTAIL_BENCH_LATENCY_SECONDS ?? 10));
    const mb = corpus.bytes / 1e6;
    const rows: Array<[string, string]> = [
      [
        'corpus',
        `${corpus.lines.toLocaleString('en')} CRI lines (${corpus.records.toLocaleString('en')} records), 50 files, ${mb.toFixed(0)} MB, ${(corpus.bytes / corpus.lines).toFixed(0)} B/line, 5% partial`,
      ],
      [
        'podtail lines/s (wall), default config (compression auto: none to a loopback sink)',
        Math.round(corpus.lines / tp.wall).toLocaleString('en'),
      ],
      ['podtail lines per CPU-second', Math.round(corpus.lines / tp.cpu).toLocaleString('en')],
      ['podtail MB/s (wall)', (mb / tp.wall).toFixed(1)],
      ['podtail CPU seconds / wall seconds', `${tp.cpu.toFixed(2)} / ${tp.wall.toFixed(2)}`],
      ['podtail peak RSS (VmHWM)', `${tp.rss.toFixed(0)} MB`],
      ['floor: Node newline count, lines per CPU-second', Math.round(fl.lines / fl.cpu).toLocaleString('en')],
      [
        'ratio podtail / floor (per CPU-second)',
        `${((corpus.lines / tp.cpu / (fl.lines / fl.cpu)) * 100).toFixed(1)} %`,
      ],
      ['OTLP requests / bytes to the sink', `${sent.requests} / ${(sent.bytes / 1e6).toFixed(1)} MB`],
      [
        'with compression: gzip (a remote collector)',
        `${Math.round(corpus.lines / gz.cpu).toLocaleString('en')} lines per CPU-second, ${Math.round(corpus.lines / gz.wall).toLocaleString('en')} lines/s, ${(sink.bytes - sent.bytes) / 1e6 > 0 ? ((sink.bytes - sent.bytes) / 1e6).toFixed(1) : '?'} MB sent, peak RSS ${gz.rss.toFixed(0)} MB`,
      ],
      [
        'idle cost, 1,000 idle files',
        `${(idle.share * 100).toFixed(2)} % of a core (RSS ${idle.rss.toFixed(0)} MB)`,
      ],
      [
        'append-to-export latency at 10,000 lines/s',
        `p50 ${lat.p50.toFixed(0)} ms, p99 ${lat.p99.toFixed(0)} ms, max ${lat.max.toFixed(0)} ms (${lat.received}/${lat.written} lines)`,
      ],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`\n| ${'measure'.padEnd(w)} | value |\n|${'-'.repeat(w + 2)}|-------|\n`);
    for (const [k, v] of rows) process.stdout.write(`| ${k.padEnd(w)} | ${v} |\n`);
  } finally {
    await sink.close();
  }
}

void main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});

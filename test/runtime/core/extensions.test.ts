jest.setTimeout(30_000);
import http from 'node:http';
import type { PodtailContext, PodtailExtension } from '../../../runtime/src/pipeline/extension';
import type { RecordOrigin } from '../../../runtime/src/pipeline/record';
import { append, bodies, cri, logFile, readOut, startEngine, tempNode, waitFor, type Node } from './helpers';
import { readFileSync } from 'node:fs';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('the extension contract and self-telemetry', () => {
  let node: Node;
  beforeEach(() => (node = tempNode()));
  afterEach(() => node.cleanup());

  it('starts extensions first, runs processors in order, drops on null (cursor still moves), emits, exports metrics, stops them last', async () => {
    const events: string[] = [];
    const origins: RecordOrigin[] = [];
    let ctx!: PodtailContext;
    let ready = false;
    const make = (c: PodtailContext): PodtailExtension[] => {
      ctx = c;
      return [
        {
          name: 'first',
          start: async () => void events.push('start first'),
          stop: async () =>
            void events.push(`stop first (out has ${readOut(node).length}: 3 records and the metrics line)`),
          ready: () => ready,
          processors: [
            {
              name: 'tag',
              process: (r, o) => {
                origins.push(o);
                r.resource['extra'] = 'yes';
                r.attributes['order'] = 'first';
                return r;
              },
            },
          ],
        },
        {
          name: 'second',
          start: async () => void events.push('start second'),
          stop: async () => void events.push('stop second'),
          processors: [
            {
              name: 'drop',
              process: (r) => {
                if (r.body === 'drop me') return null;
                r.attributes['order'] = String(r.attributes['order']) + ',second';
                return r;
              },
              close: () => void events.push('close drop'),
            },
          ],
        },
      ];
    };
    const p = logFile(node, 'default', 'web', 'app', 3);
    append(p, cri('keep') + cri('drop me') + cri('keep too'));
    const engine = await startEngine(
      node,
      { server: { enabled: true, host: '127.0.0.1', port: 0 } },
      { extensions: make },
    );
    expect(events).toEqual(['start first', 'start second']);
    await waitFor(() => bodies(node).length === 2);
    ctx.emitter.emit({
      timeUnixNano: '1',
      observedTimeUnixNano: '2',
      body: 'lifecycle',
      attributes: {},
      resource: { 'k8s.node.name': 'node-1' },
    });
    await ctx.exportMetrics({ resourceMetrics: [{ resource: {}, scopeMetrics: [] }] });
    ctx.failure('watch');
    ctx.failure('watch', 2);
    expect(ctx.hostPath('/run/containerd/containerd.sock')).toBe(
      `${node.root}/run/containerd/containerd.sock`,
    );
    await waitFor(() => bodies(node).includes('lifecycle'));
    const port = engine.serverPort!;
    expect((await get(port, '/healthz')).status).toBe(200);
    const notReady = await get(port, '/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toContain('first');
    ready = true;
    expect((await get(port, '/readyz')).status).toBe(200);
    const metrics = (await get(port, '/metrics')).body;
    expect(metrics).toMatch(/podtail_failures_total\{kind="watch"\} 3/);
    expect(metrics).toMatch(/podtail_failures_total\{kind="rotation_stalled"\} 0/);
    expect(metrics).toMatch(/podtail_records_read_total 3/);
    expect(metrics).toMatch(/podtail_records_exported_total 3/);
    expect(metrics).toContain(`podtail_bytes_read_total ${readFileSync(p).length}\n`);
    expect(metrics).toMatch(/podtail_bytes_exported_total [1-9]\d*\n/);
    expect(metrics).toMatch(/podtail_open_files 1/);
    expect(metrics).toMatch(/podtail_lag_bytes\{namespace="default",pod="web",container="app"\} 0/);
    await engine.stop();
    expect(events).toEqual([
      'start first',
      'start second',
      'stop second',
      'stop first (out has 4: 3 records and the metrics line)',
      'close drop',
    ]);
    const out = readOut(node);
    expect(
      out
        .filter((r) => r.body !== 'lifecycle' && r.body !== undefined)
        .map((r) => [r.body, r.attributes.order, r.resource.extra]),
    ).toEqual([
      ['keep', 'first,second', 'yes'],
      ['keep too', 'first,second', 'yes'],
    ]);
    expect(origins[0]).toMatchObject({
      namespace: 'default',
      podName: 'web',
      containerName: 'app',
      restartCount: 3,
    });
    const lines = readFileSync(node.out, 'utf8').split('\n');
    expect(lines.some((l) => l.startsWith('{"resourceMetrics":'))).toBe(true);
    // the file exporter acknowledges the bytes it wrote: every record line (not the metrics line)
    const recordBytes = lines
      .filter((l) => l && !l.startsWith('{"resourceMetrics":'))
      .reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
    const exported = await engine.registry.getSingleMetric('podtail_bytes_exported_total')!.get();
    expect(exported.values[0].value).toBe(recordBytes);
    // the dropped line's cursor moved: the file is fully acknowledged
    const cursor = JSON.parse(readFileSync(`${node.root}/var/lib/podtail/cursors.json`, 'utf8'));
    expect(cursor.files[0].offset).toBe(readFileSync(p).length);
  });
});

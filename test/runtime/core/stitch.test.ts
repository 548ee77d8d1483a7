jest.setTimeout(30_000);
import {
  append,
  bodies,
  cri,
  criTime,
  logFile,
  readOut,
  startEngine,
  tempNode,
  waitFor,
  type Node,
} from './helpers';

describe('partial lines, sizes and encodings', () => {
  let node: Node;
  beforeEach(() => (node = tempNode()));
  afterEach(() => node.cleanup());

  it('stitches partial lines per stream, as bytes (a UTF-8 character split between pieces)', async () => {
    const p = logFile(node, 'default', 'web', 'app');
    const euro = Buffer.from('€'); // 3 bytes, split 1 + 2
    const t = criTime();
    append(
      p,
      Buffer.concat([
        Buffer.from(`${t} stdout P price: `),
        euro.subarray(0, 1),
        Buffer.from(`\n${t} stderr P err-a \n${t} stdout F `),
        euro.subarray(1),
        Buffer.from(`42\n${t} stderr F err-b\n`),
      ]),
    );
    const engine = await startEngine(node);
    await engine.settle();
    await engine.stop();
    const out = readOut(node);
    expect(out.map((r) => [r.attributes['log.iostream'], r.body])).toEqual([
      ['stdout', 'price: €42'],
      ['stderr', 'err-a err-b'],
    ]);
  });

  it('truncates over-size records, marks and counts them, never splits them', async () => {
    const p = logFile(node, 'default', 'web', 'app');
    const piece = 'x'.repeat(800);
    append(
      p,
      cri(piece, 'stdout', 'P') +
        cri(piece, 'stdout', 'P') +
        cri('end') +
        cri('small') +
        cri('y'.repeat(3000)),
    );
    const engine = await startEngine(node, { source: { maxRecordBytes: 1024 } });
    await engine.settle();
    const metrics = await engine.registry.getSingleMetricAsString('podtail_records_truncated_total');
    const dropped = await engine.registry.getSingleMetricAsString('podtail_records_dropped_total');
    const failures = await engine.registry.getSingleMetricAsString('podtail_failures_total');
    await engine.stop();
    const out = readOut(node);
    expect(out).toHaveLength(3);
    expect(out[0].body).toBe('x'.repeat(1024));
    expect(out[0].attributes).toMatchObject({ 'podtail.truncated': true, 'podtail.original_bytes': 1603 });
    expect(out[1].body).toBe('small');
    expect(out[1].attributes['podtail.truncated']).toBeUndefined();
    expect(out[2].body).toBe('y'.repeat(1024));
    expect(metrics).toMatch(/podtail_records_truncated_total 2/);
    expect(dropped).toMatch(/podtail_records_dropped_total\{namespace="default",reason="truncated"\} 2/);
    expect(failures).toMatch(/podtail_failures_total\{kind="backpressure_drop"\} 2/);
  });

  it('completes a partial line left at shutdown exactly once', async () => {
    const p = logFile(node, 'default', 'web', 'app');
    append(p, cri('full') + cri('dangling piece', 'stdout', 'P'));
    let engine = await startEngine(node);
    await engine.settle();
    await engine.stop();
    expect(bodies(node)).toEqual(['full', 'dangling piece']);
    engine = await startEngine(node);
    append(p, cri('next'));
    await waitFor(() => bodies(node).length >= 3);
    await engine.stop();
    expect(bodies(node)).toEqual(['full', 'dangling piece', 'next']);
  });

  it('turns invalid UTF-8 into U+FFFD, strips CRLF, keeps empty messages, passes malformed lines as text', async () => {
    const p = logFile(node, 'default', 'web', 'app');
    const t = criTime();
    append(
      p,
      Buffer.concat([
        Buffer.from(`${t} stdout F bad `),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(` end\n${t} stdout F windows\r\n${t} stdout F \nnot a cri line\r\n`),
        Buffer.from('{"log":"docker line\\n","stream":"stderr","time":"2024-01-02T03:04:05Z"}\n'),
      ]),
    );
    const engine = await startEngine(node);
    await engine.settle();
    const malformed = await engine.registry.getSingleMetricAsString('podtail_malformed_lines_total');
    await engine.stop();
    const out = readOut(node);
    expect(out.map((r) => r.body)).toEqual([
      'bad \uFFFD\uFFFD end',
      'windows',
      '',
      'not a cri line',
      'docker line',
    ]);
    expect(out[4].attributes['log.iostream']).toBe('stderr');
    expect(out[4].timeUnixNano).toBe('1704164645000000000');
    expect(malformed).toMatch(/podtail_malformed_lines_total 1/);
  });

  it('stitches docker json-file partial lines (split at 16 KiB by docker) per stream', async () => {
    const p = logFile(node, 'default', 'web', 'app');
    const t = '2024-01-02T03:04:05.000000001Z';
    const j = (log: string, stream: string) => JSON.stringify({ log, stream, time: t }) + '\n';
    append(p, j('first half, ', 'stdout') + j('err line\n', 'stderr') + j('second half\n', 'stdout'));
    const engine = await startEngine(node, { source: { format: 'docker' } });
    await engine.settle();
    await engine.stop();
    expect(readOut(node).map((r) => [r.attributes['log.iostream'], r.body, r.timeUnixNano])).toEqual([
      ['stderr', 'err line', '1704164645000000001'],
      ['stdout', 'first half, second half', '1704164645000000001'],
    ]);
  });
});

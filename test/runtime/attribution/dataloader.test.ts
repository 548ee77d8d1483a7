import { DataloaderExtension, DATALOADER_METRICS } from '../../../runtime/src/dataloader';
import { origin, record, testContext } from './support/context';

type Point = {
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  count: string;
  sum: number;
  bucketCounts: string[];
  explicitBounds: number[];
  startTimeUnixNano: string;
  timeUnixNano: string;
};
type Metric = {
  name: string;
  unit: string;
  histogram: { aggregationTemporality: number; dataPoints: Point[] };
};

const metricsOf = (req: { resourceMetrics: unknown[] }): Metric[] =>
  (req.resourceMetrics[0] as { scopeMetrics: Array<{ metrics: Metric[] }> }).scopeMetrics[0].metrics;
const attr = (p: Point, key: string) => p.attributes.find((a) => a.key === key)?.value;

describe('dataloader metrics', () => {
  const line = (d: number, t: number) => `Epoch 1 iter 10/100 loss 2.1 data_time: ${d} time: ${t}`;
  const trainingRecord = (body: string, rank: number) => {
    const r = record(body);
    r.resource['gen_ai.training.rank'] = rank;
    r.resource['gen_ai.training.job_id'] = 'llm';
    return r;
  };

  it('turns matching lines into cumulative histograms per job and rank, with the data/iter ratio', async () => {
    const ctx = testContext({
      dataloader: {
        enabled: true,
        timeBuckets: [0.1, 1],
        ratioBuckets: [0.25, 0.5, 1],
        exportIntervalMs: 60_000,
      },
    });
    const ext = new DataloaderExtension(ctx);
    await ext.start();
    const o = origin({ podUid: 'u', podName: 'trainer-0', namespace: 'ml' });
    const samples: Array<[number, number, number]> = [
      [0, 0.05, 0.5],
      [0, 0.3, 0.6],
      [1, 0.02, 0.4],
    ];
    for (const [rank, d, t] of samples) {
      const r = trainingRecord(line(d, t), rank);
      expect(ext.process(r, o)).toBe(r); // the line still ships
    }
    ext.process(trainingRecord('no timings here', 0), o);
    // The other order of keys (time before data_time) matches too.
    ext.process(trainingRecord('iter_time=0.5 data_time=0.25', 1), o);
    await ext.flush();
    expect(ctx.metricRequests).toHaveLength(1);
    const metrics = metricsOf(ctx.metricRequests[0]);
    expect(metrics.map((m) => m.name)).toEqual([
      DATALOADER_METRICS.dataTime,
      DATALOADER_METRICS.iterTime,
      DATALOADER_METRICS.ratio,
    ]);
    for (const m of metrics) expect(m.histogram.aggregationTemporality).toBe(2);
    const ratio = metrics[2].histogram.dataPoints;
    const rank0 = ratio.find((p) => attr(p, 'gen_ai.training.rank')?.intValue === '0')!;
    const rank1 = ratio.find((p) => attr(p, 'gen_ai.training.rank')?.intValue === '1')!;
    expect(attr(rank0, 'gen_ai.training.job_id')).toEqual({ stringValue: 'llm' });
    expect(attr(rank0, 'k8s.pod.name')).toEqual({ stringValue: 'trainer-0' });
    expect(rank0.count).toBe('2');
    expect(rank0.sum).toBeCloseTo(0.05 / 0.5 + 0.3 / 0.6);
    // 0.1 <= 0.25 and 0.5 in (0.25, 0.5]
    expect(rank0.bucketCounts).toEqual(['1', '1', '0', '0']);
    expect(rank1.count).toBe('2');
    expect(rank1.sum).toBeCloseTo(0.02 / 0.4 + 0.25 / 0.5);
    const data0 = metrics[0].histogram.dataPoints.find(
      (p) => attr(p, 'gen_ai.training.rank')?.intValue === '0',
    )!;
    expect(data0.sum).toBeCloseTo(0.35);
    expect(metrics[0].unit).toBe('s');
    // Cumulative: a later export keeps counting from the same start time.
    ext.process(trainingRecord(line(0.1, 0.2), 0), o);
    await ext.flush();
    const later = metricsOf(ctx.metricRequests[1])[2].histogram.dataPoints.find(
      (p) => attr(p, 'gen_ai.training.rank')?.intValue === '0',
    )!;
    expect(later.count).toBe('3');
    expect(later.startTimeUnixNano).toBe(rank0.startTimeUnixNano);
    // Nothing new: no export.
    await ext.flush();
    expect(ctx.metricRequests).toHaveLength(2);
    await ext.stop();
  });

  it('keeps state across a failed export and retries with the next one; caps series', async () => {
    const ctx = testContext({ dataloader: { enabled: true, maxSeries: 1, trainingOnly: true } });
    let fail = true;
    const ext = new DataloaderExtension({
      ...ctx,
      exportMetrics: async (req) => {
        if (fail) throw new Error('collector down');
        ctx.metricRequests.push(req);
      },
    });
    const o = origin({ podUid: 'u' });
    ext.process(trainingRecord(line(0.1, 1), 0), o);
    ext.process(trainingRecord(line(0.1, 1), 1), o); // a second series: over the cap
    ext.process(record(line(0.1, 1)), o); // no rank or job: trainingOnly skips it
    await ext.flush();
    expect(ctx.logs.some((l) => /export failed/.test(l.msg))).toBe(true);
    fail = false;
    await ext.flush();
    expect(metricsOf(ctx.metricRequests[0])[0].histogram.dataPoints).toHaveLength(1);
    expect(metricsOf(ctx.metricRequests[0])[0].histogram.dataPoints[0].count).toBe('1');
    expect(await ctx.metricValue('podtail_dataloader_series_overflow_total')).toBe(1);
  });
});

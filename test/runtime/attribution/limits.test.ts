import { LimitsExtension, recordBytes } from '../../../runtime/src/limits';
import { origin, record, testContext } from './support/context';

describe('egress limits', () => {
  it('drops records over the per-namespace token bucket, counts them, summarizes, refills over time', async () => {
    const ctx = testContext({
      limits: {
        enabled: true,
        recordsPerSecond: 10,
        recordsBurst: 5,
        bytesPerSecond: 1e9,
        bytesBurst: 1e9,
        summaryIntervalMs: 60_000,
      },
    });
    let now = 1_000_000;
    const ext = new LimitsExtension(ctx, ctx.config.limits, () => now);
    const noisy = origin({ podUid: 'u', namespace: 'noisy' });
    const quiet = origin({ podUid: 'q', namespace: 'quiet' });
    const pass = (o: typeof noisy, n: number) => {
      let passed = 0;
      for (let i = 0; i < n; i++) if (ext.process(record(`line ${i}`), o) !== null) passed++;
      return passed;
    };
    expect(pass(noisy, 8)).toBe(5);
    expect(pass(quiet, 3)).toBe(3); // another namespace has its own bucket
    now += 500; // 0.5 s at 10/s refills 5
    expect(pass(noisy, 8)).toBe(5);
    expect(
      await ctx.metricValue('podtail_records_dropped_total', { namespace: 'noisy', reason: 'egress_limit' }),
    ).toBe(6);
    expect(await ctx.failures('backpressure_drop')).toBe(6);
    ext.summarize();
    expect(ctx.emitted).toHaveLength(1);
    const s = ctx.emitted[0];
    expect(s.resource['k8s.namespace.name']).toBe('noisy');
    expect(s.attributes['podtail.dropped.records']).toBe(6);
    expect(s.attributes['podtail.dropped.bytes']).toBe(6 * Buffer.byteLength('line 5'));
    expect(s.body).toMatch(/dropped 6 records .* namespace noisy/);
    ext.summarize();
    expect(ctx.emitted).toHaveLength(1); // nothing dropped since
  });

  it('limits bytes per second with burst, with per-namespace overrides', async () => {
    const ctx = testContext({
      limits: {
        enabled: true,
        recordsPerSecond: 1e6,
        recordsBurst: 1e6,
        bytesPerSecond: 100,
        bytesBurst: 1000,
        overrides: { big: { bytesBurst: 5000 } },
      },
    });
    const ext = new LimitsExtension(ctx, ctx.config.limits, () => 0);
    const body = 'x'.repeat(100);
    expect(recordBytes(record(body))).toBe(100);
    const count = (ns: string) => {
      let n = 0;
      for (let i = 0; i < 100; i++)
        if (ext.process(record(body), origin({ podUid: 'u', namespace: ns }))) n++;
      return n;
    };
    expect(count('small')).toBe(10);
    expect(count('big')).toBe(50);
  });

  it('caps buckets with an LRU and raises rate_limit_cardinality past it', async () => {
    const ctx = testContext({ limits: { enabled: true, maxBuckets: 2 } });
    const ext = new LimitsExtension(ctx);
    for (const ns of ['a', 'b', 'a', 'c', 'd'])
      ext.process(record('x'), origin({ podUid: 'u', namespace: ns }));
    expect(ext.bucketCount).toBe(2);
    expect(await ctx.failures('rate_limit_cardinality')).toBe(2);
  });
});

import { StructuredProcessor } from '../../../runtime/src/structured';
import { origin, record, testContext } from './support/context';

describe('structured bodies', () => {
  const ctx = testContext({
    structured: { rules: [{ namespace: 'apps' }, { namespace: 'ml', container: 'trainer' }] },
  });
  const p = new StructuredProcessor(ctx.config.structured, ctx);
  const at = (ns: string, container = 'main') =>
    origin({ podUid: 'u', namespace: ns, containerName: container });

  it('turns a JSON object into a structured body with severity and message', () => {
    const r = p.process(record('{"level":"warn","msg":"disk almost full","pct":93}'), at('apps'));
    expect(r.body).toEqual({ message: 'disk almost full', pct: 93 });
    expect(r.severityText).toBe('warn');
    expect(r.severityNumber).toBe(13);
    const r2 = p.process(record('{"severity":"ERROR","message":"boom"}'), at('apps'));
    expect(r2.body).toEqual({ message: 'boom' });
    expect(r2.severityNumber).toBe(17);
    const r3 = p.process(record('{"level":30,"msg":"pino info"}'), at('apps'));
    expect(r3).toMatchObject({ severityText: 'INFO', severityNumber: 9, body: { message: 'pino info' } });
  });

  it('applies per namespace and container only', () => {
    expect(p.process(record('{"msg":"x"}'), at('other')).body).toBe('{"msg":"x"}');
    expect(p.process(record('{"msg":"x"}'), at('ml', 'sidecar')).body).toBe('{"msg":"x"}');
    expect(p.process(record('{"msg":"x"}'), at('ml', 'trainer')).body).toEqual({ message: 'x' });
  });

  it('keeps a malformed one as a plain string, counted; plain text is untouched and not counted', async () => {
    expect(p.process(record('{"level":"info", "msg": "cut'), at('apps')).body).toBe(
      '{"level":"info", "msg": "cut',
    );
    expect(p.process(record('[1,2]'), at('apps')).body).toBe('[1,2]');
    expect(p.process(record('plain text'), at('apps')).body).toBe('plain text');
    expect(await ctx.metricValue('podtail_structured_malformed_total', { namespace: 'apps' })).toBe(1);
  });
});

jest.setTimeout(30_000);
import fc from 'fast-check';
import { OtlpLogsEncoder } from '../../../runtime/src/export/otlp-logs-encoder';
import type { PodtailRecord } from '../../../runtime/src/pipeline/record';
import { decodeLogs } from './otlp';

const resA = { 'k8s.namespace.name': 'a', 'k8s.pod.name': 'p', 'k8s.container.restart_count': 3 };
const resB = { 'k8s.namespace.name': 'b', 'k8s.pod.name': 'q', 'k8s.container.restart_count': 0 };

function rec(
  body: PodtailRecord['body'],
  resource: PodtailRecord['resource'],
  time = '1704164645123456789',
): PodtailRecord {
  return {
    timeUnixNano: time,
    observedTimeUnixNano: '1704164646000000001',
    body,
    attributes: {
      'log.iostream': 'stdout',
      'log.file.path': '/var/log/pods/x/0.log',
      n: -5,
      f: 1.5,
      t: true,
    },
    resource,
  };
}

describe('hand-written OTLP protobuf encoding', () => {
  it('decodes with protobufjs from the upstream field numbers, grouped by resource', () => {
    const enc = new OtlpLogsEncoder();
    const records = [
      rec('one', resA),
      rec('two ü 😀', { ...resB }),
      rec('three', resA),
      rec({ k: 'v', n: [1, 'x'] }, resB),
    ];
    const decoded = decodeLogs(enc.encode(records));
    expect(decoded.map((d) => d.body)).toEqual(['one', 'three', 'two ü 😀', { k: 'v', n: [1, 'x'] }]);
    expect(decoded[0].resource).toEqual(resA);
    expect(decoded[2].resource).toEqual(resB);
    expect(decoded[0]).toMatchObject({
      time: '1704164645123456789',
      observed: '1704164646000000001',
      scope: 'podtail',
      attributes: {
        'log.iostream': 'stdout',
        'log.file.path': '/var/log/pods/x/0.log',
        n: -5,
        f: 1.5,
        t: true,
      },
    });
  });

  it('round-trips any body, long strings and any 64-bit timestamp', () => {
    const enc = new OtlpLogsEncoder();
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            body: fc.oneof(
              fc.string({ unit: 'binary', maxLength: 300 }),
              fc.string({ minLength: 130, maxLength: 40000 }),
            ),
            time: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (items) => {
          const records = items.map((i) => rec(i.body, resA, i.time.toString()));
          const decoded = decodeLogs(enc.encode(records));
          expect(decoded.map((d) => d.body)).toEqual(records.map((r) => r.body));
          expect(decoded.map((d) => d.time)).toEqual(records.map((r) => r.timeUnixNano));
        },
      ),
      { numRuns: 60 },
    );
  });
});

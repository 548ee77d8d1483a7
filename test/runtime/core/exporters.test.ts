import { PassThrough } from 'node:stream';
import { StdoutExporter } from '../../../runtime/src/export/stdout-exporter';
import type { PodtailRecord } from '../../../runtime/src/pipeline/record';

const rec: PodtailRecord = {
  timeUnixNano: '1704164645123456789',
  observedTimeUnixNano: '1704164646000000000',
  body: 'hello',
  attributes: { 'log.iostream': 'stdout', 'log.file.path': '/var/log/pods/a_b_c/d/0.log' },
  resource: { 'k8s.namespace.name': 'a', 'k8s.container.restart_count': 0 },
};

describe('stdout exporter', () => {
  it('writes one flat JSON record a line and metrics as a resourceMetrics line', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += c));
    const e = new StdoutExporter(out);
    await e.exportLogs([rec, { ...rec, body: 'two' }]);
    await e.exportMetrics({ resourceMetrics: [{ scopeMetrics: [] }] });
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([rec, { ...rec, body: 'two' }, { resourceMetrics: [{ scopeMetrics: [] }] }]);
  });
});

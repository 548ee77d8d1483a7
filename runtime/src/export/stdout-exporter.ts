import type { PodtailRecord } from '../pipeline/record';
import { recordToJson, type ExportOutcome, type Exporter } from './exporter';

/** Newline-delimited JSON on standard output, acknowledged once the stream took it. */
export class StdoutExporter implements Exporter {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  async exportLogs(records: readonly PodtailRecord[]): Promise<ExportOutcome> {
    if (records.length === 0) return { kind: 'acked' };
    let text = '';
    for (const r of records) text += recordToJson(r) + '\n';
    await this.write(text);
    return { kind: 'acked', bytes: Buffer.byteLength(text) };
  }

  async exportMetrics(request: { resourceMetrics: unknown[] }): Promise<void> {
    await this.write(JSON.stringify({ resourceMetrics: request.resourceMetrics }) + '\n');
  }

  private write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(text, (err) => (err ? reject(err) : resolve()));
    });
  }

  async close(): Promise<void> {}
}

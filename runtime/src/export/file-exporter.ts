import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PodtailRecord } from '../pipeline/record';
import { recordToJson, type ExportOutcome, type Exporter } from './exporter';

/**
 * Newline-delimited JSON, one record a line, appended to a file. A write that returned (and
 * was fsynced) is the acknowledgement. For debugging and tests.
 */
export class FileExporter implements Exporter {
  private fd: number;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  async exportLogs(records: readonly PodtailRecord[]): Promise<ExportOutcome> {
    if (records.length === 0) return { kind: 'acked' };
    let text = '';
    for (const r of records) text += recordToJson(r) + '\n';
    this.write(text);
    return { kind: 'acked', bytes: Buffer.byteLength(text) };
  }

  async exportMetrics(request: { resourceMetrics: unknown[] }): Promise<void> {
    this.write(JSON.stringify({ resourceMetrics: request.resourceMetrics }) + '\n');
  }

  private write(text: string): void {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fsyncSync(this.fd);
  }

  async close(): Promise<void> {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

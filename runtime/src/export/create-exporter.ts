import type { ExporterConfig } from '../config/exporter';
import type { ExportObserver, Exporter } from './exporter';
import { FileExporter } from './file-exporter';
import { OtlpHttpExporter } from './otlphttp-exporter';
import { StdoutExporter } from './stdout-exporter';

/** The exporter a config section asks for. `resolvePath` re-roots file paths under hostRoot. */
export function createExporter(
  config: ExporterConfig,
  observer: ExportObserver,
  resolvePath: (p: string) => string = (p) => p,
): Exporter {
  switch (config.type) {
    case 'otlphttp':
      return new OtlpHttpExporter(config, observer);
    case 'file':
      return new FileExporter(resolvePath(config.path));
    case 'stdout':
      return new StdoutExporter();
  }
}

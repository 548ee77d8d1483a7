import { Counter, Gauge, type Registry } from 'prom-client';
import { FAILURE_KINDS } from '../config/failure-kinds';
import { PODTAIL_METRICS } from '../config/metric-names';

type Labels<T extends string> = T;

function counter<T extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: T[] = [],
): Counter<Labels<T>> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<T>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<T extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: T[] = [],
  collect?: (this: Gauge<T>) => void,
): Gauge<T> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<T>;
  return new Gauge({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) });
}

/** The failures counter, every kind pre-set to 0 so alerts see the series from the start. */
export function failuresCounter(registry: Registry): Counter<'kind'> {
  const c = counter(registry, PODTAIL_METRICS.failures, 'Failures by kind (see RUNBOOK.md)', ['kind']);
  for (const k of FAILURE_KINDS) c.inc({ kind: k.kind }, 0);
  return c;
}

/** All of the engine's own metrics, in one place. Get-or-create: extensions may have registered some. */
export function createCoreMetrics(registry: Registry, collectFiles: () => void) {
  return {
    recordsRead: counter(registry, PODTAIL_METRICS.recordsRead, 'Records read from log files'),
    bytesRead: counter(registry, PODTAIL_METRICS.bytesRead, 'Bytes read from log files'),
    recordsExported: counter(
      registry,
      PODTAIL_METRICS.recordsExported,
      'Records the exporter had acknowledged',
    ),
    bytesExported: counter(
      registry,
      PODTAIL_METRICS.bytesExported,
      'Payload bytes the exporter had acknowledged (as sent)',
    ),
    exportFailures: counter(registry, PODTAIL_METRICS.exportFailures, 'Failed export attempts', ['reason']),
    recordsDropped: counter(registry, PODTAIL_METRICS.recordsDropped, 'Records dropped on purpose', [
      'namespace',
      'reason',
    ]),
    recordsTruncated: counter(
      registry,
      'podtail_records_truncated_total',
      'Records longer than source.maxRecordBytes, truncated and marked',
    ),
    malformedLines: counter(
      registry,
      PODTAIL_METRICS.malformedLines,
      'Lines that did not parse (passed on as raw text)',
    ),
    lagBytes: gauge(
      registry,
      PODTAIL_METRICS.lagBytes,
      'Bytes between the acknowledged position and the end of each tailed file',
      ['namespace', 'pod', 'container'],
      collectFiles,
    ),
    openFiles: gauge(registry, PODTAIL_METRICS.openFiles, 'Files held open'),
    trackedFiles: gauge(
      registry,
      'podtail_tracked_files',
      'Files tracked (open or not), active or draining',
      ['state'],
    ),
    inFlightBytes: gauge(registry, PODTAIL_METRICS.inFlightBytes, 'Bytes read but not yet acknowledged'),
    degraded: gauge(registry, PODTAIL_METRICS.degraded, '1 while a component cannot do its job fully', [
      'component',
    ]),
  };
}
export type CoreMetrics = ReturnType<typeof createCoreMetrics>;

import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The counter `name` in `registry`, created if absent. Several parts of podtail may count into
 * one metric (e.g. `podtail_records_dropped_total`); whoever comes first registers it.
 */
export function counterIn<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames, registers: [registry] });
}

/** The gauge `name` in `registry`, created if absent. */
export function gaugeIn<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge<L>({ name, help, labelNames, registers: [registry] });
}

import { parse } from 'yaml';
import { asArray, asObject, asString, at, isObject, type JsonObject, type Resource } from './resource';
import type { Workload } from './workload';

/** An OpenTelemetry Collector configuration found in a manifest. */
export interface CollectorConfig {
  readonly resource: Resource;
  /** Where it sits, e.g. `data["collector.yaml"]` or `spec.config`. */
  readonly path: string;
  readonly config: JsonObject;
}

function looksLikeCollectorConfig(v: unknown): v is JsonObject {
  return isObject(v) && isObject(v.service) && (isObject(v.receivers) || isObject(v.exporters));
}

/** Collector configs in ConfigMaps (keys ending in .yaml/.yml) and OpenTelemetryCollector resources. */
export function collectorConfigsOf(r: Resource): CollectorConfig[] {
  if (r.kind === 'ConfigMap') {
    const out: CollectorConfig[] = [];
    for (const [key, text] of Object.entries(asObject(r.object.data))) {
      if (!/\.ya?ml$/i.test(key) || typeof text !== 'string') continue;
      let parsed: unknown;
      try {
        parsed = parse(text);
      } catch {
        continue; // not YAML: not a collector config
      }
      if (looksLikeCollectorConfig(parsed)) out.push({ resource: r, path: `data["${key}"]`, config: parsed });
    }
    return out;
  }
  if (r.kind === 'OpenTelemetryCollector' && r.apiVersion.startsWith('opentelemetry.io/')) {
    const raw = at(r.object, 'spec', 'config');
    let config: unknown = raw;
    if (typeof raw === 'string') {
      try {
        config = parse(raw);
      } catch {
        return [];
      }
    }
    return isObject(config) ? [{ resource: r, path: 'spec.config', config }] : [];
  }
  return [];
}

/** The component ids a pipeline lists in one section. */
export function pipelineList(pipeline: unknown, section: 'receivers' | 'processors' | 'exporters'): string[] {
  return asArray(at(pipeline, section)).filter((x): x is string => typeof x === 'string');
}

/** `type/name` -> `type`. */
export function componentType(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

/** Receiver ids used by at least one pipeline. */
export function usedReceivers(config: JsonObject): string[] {
  const used = new Set<string>();
  for (const p of Object.values(asObject(at(config, 'service', 'pipelines')))) {
    for (const id of pipelineList(p, 'receivers')) used.add(id);
  }
  return [...used];
}

/** The collector configs a workload runs: its own (operator resources) or the ConfigMaps it mounts. */
export function configsOfWorkload(w: Workload, all: readonly CollectorConfig[]): CollectorConfig[] {
  if (w.operator) return all.filter((c) => c.resource === w.resource);
  const names = new Set<string>();
  for (const v of asArray(w.podSpec.volumes)) {
    const name = asString(at(v, 'configMap', 'name'));
    if (name) names.add(name);
    for (const s of asArray(at(v, 'projected', 'sources'))) {
      const pn = asString(at(s, 'configMap', 'name'));
      if (pn) names.add(pn);
    }
  }
  return all.filter(
    (c) =>
      c.resource.kind === 'ConfigMap' &&
      names.has(c.resource.name) &&
      (!c.resource.namespace || !w.resource.namespace || c.resource.namespace === w.resource.namespace),
  );
}

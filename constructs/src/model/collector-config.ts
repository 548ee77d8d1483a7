import {
  CollectorComponent,
  type ComponentKind,
  type ComponentPort,
  type Signal,
  SIGNALS,
} from './component';
import { findInlineCredentials } from './inline-credentials';

/** One `service.pipelines` entry. Ids are component ids (`otlp`, `otlp_http/backend-a`, `routing/logs`). */
export interface PipelineSpec {
  readonly receivers: readonly string[];
  readonly processors?: readonly string[];
  readonly exporters: readonly string[];
}

/** Port of the collector's own Prometheus metrics (`service.telemetry.metrics`). */
export const COLLECTOR_TELEMETRY_PORT = 8888;

const SECTION: Record<ComponentKind, string> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  connector: 'connectors',
  extension: 'extensions',
};
const ADDER: Record<ComponentKind, string> = {
  receiver: 'addReceiver',
  processor: 'addProcessor',
  exporter: 'addExporter',
  connector: 'addConnector',
  extension: 'addExtension',
};

/** Component types treated as the memory limiter, batcher and health check by the validation. */
export const MEMORY_LIMITER_TYPE = 'memory_limiter';
export const BATCH_TYPE = 'batch';
export const HEALTH_CHECK_TYPE = 'health_check';

/**
 * A collector configuration: components by kind, pipelines, enabled extensions and the
 * collector's own telemetry. Built by the tiers, open to the user (`addExporter`,
 * `override`, `setPipeline`, ...), and validated as a whole at synth with `validate()`.
 */
export class CollectorConfig {
  private readonly components = new Map<string, CollectorComponent>();
  private readonly pipelineMap = new Map<string, PipelineSpec>();
  private readonly enabledExtensions: string[] = [];
  private telemetryLogLevel = 'info';

  private key(kind: ComponentKind, id: string): string {
    return `${kind}:${id}`;
  }

  /** Adds a component; throws if one of the same kind and id exists (use `replace` or `override`). */
  add(component: CollectorComponent): CollectorComponent {
    const k = this.key(component.kind, component.id);
    if (this.components.has(k)) {
      throw new Error(
        `${component.kind} '${component.id}' is already defined; use config.override('${component.kind}', '${component.id}', {...}) or config.replace(...) to change it`,
      );
    }
    this.components.set(k, component);
    if (component.kind === 'extension') this.enabledExtensions.push(component.id);
    return component;
  }

  private addKind(kind: ComponentKind, c: CollectorComponent): CollectorComponent {
    if (c.kind !== kind) {
      throw new Error(
        `${ADDER[kind]}() was given ${c.kind} '${c.id}'; use ${ADDER[c.kind]}() for a ${c.kind}`,
      );
    }
    return this.add(c);
  }
  addReceiver(c: CollectorComponent): CollectorComponent {
    return this.addKind('receiver', c);
  }
  addProcessor(c: CollectorComponent): CollectorComponent {
    return this.addKind('processor', c);
  }
  addExporter(c: CollectorComponent): CollectorComponent {
    return this.addKind('exporter', c);
  }
  addConnector(c: CollectorComponent): CollectorComponent {
    return this.addKind('connector', c);
  }
  /** Adds an extension and enables it in `service.extensions`. */
  addExtension(c: CollectorComponent): CollectorComponent {
    return this.addKind('extension', c);
  }

  /** Replaces (or adds) a component with the same kind and id. */
  replace(component: CollectorComponent): void {
    const existed = this.components.has(this.key(component.kind, component.id));
    this.components.set(this.key(component.kind, component.id), component);
    if (component.kind === 'extension' && !existed) this.enabledExtensions.push(component.id);
  }

  /** Deep-merges `patch` into a component's config (arrays replace, `null` deletes a key). */
  override(kind: ComponentKind, id: string, patch: Readonly<Record<string, unknown>>): void {
    const c = this.components.get(this.key(kind, id));
    if (!c) {
      throw new Error(
        `cannot override ${kind} '${id}': it is not defined (defined ${SECTION[kind]}: ${this.ids(kind).join(', ') || 'none'}); add it with config.${ADDER[kind]}(...)`,
      );
    }
    this.components.set(this.key(kind, id), c.withConfig(patch));
  }

  /** Removes a component (and, for extensions, from `service.extensions`). Pipelines are left as they are. */
  remove(kind: ComponentKind, id: string): void {
    this.components.delete(this.key(kind, id));
    if (kind === 'extension') {
      const i = this.enabledExtensions.indexOf(id);
      if (i >= 0) this.enabledExtensions.splice(i, 1);
    }
  }

  /** The component of that kind and id, if defined. */
  get(kind: ComponentKind, id: string): CollectorComponent | undefined {
    return this.components.get(this.key(kind, id));
  }

  /** Whether a component of that kind and id is defined. */
  has(kind: ComponentKind, id: string): boolean {
    return this.components.has(this.key(kind, id));
  }

  /** Ids of the defined components of a kind, in insertion order. */
  ids(kind: ComponentKind): string[] {
    return this.list(kind).map((c) => c.id);
  }

  /** All defined components, optionally of one kind. */
  list(kind?: ComponentKind): CollectorComponent[] {
    return [...this.components.values()].filter((c) => !kind || c.kind === kind);
  }

  /** Sets (adds or replaces) a pipeline. The id is `<signal>` or `<signal>/<name>`. */
  setPipeline(id: string, spec: PipelineSpec): void {
    this.pipelineMap.set(id, {
      receivers: [...spec.receivers],
      processors: [...(spec.processors ?? [])],
      exporters: [...spec.exporters],
    });
  }

  /** Removes a pipeline. */
  removePipeline(id: string): void {
    this.pipelineMap.delete(id);
  }

  /** A pipeline, if defined. */
  pipeline(id: string): PipelineSpec | undefined {
    return this.pipelineMap.get(id);
  }

  /** Pipeline ids in insertion order. */
  pipelineIds(): string[] {
    return [...this.pipelineMap.keys()];
  }

  /** Adds component ids to a pipeline's list (no duplicates); processors go before the batcher if present. */
  extendPipeline(id: string, part: Partial<PipelineSpec>): void {
    const p = this.pipelineMap.get(id);
    if (!p)
      throw new Error(`pipeline '${id}' is not defined; add it with config.setPipeline('${id}', {...})`);
    const merge = (a: readonly string[] | undefined, b: readonly string[] | undefined) => [
      ...(a ?? []),
      ...(b ?? []).filter((x) => !(a ?? []).includes(x)),
    ];
    let processors = [...(p.processors ?? [])];
    for (const proc of part.processors ?? []) {
      if (processors.includes(proc)) continue;
      const batchAt = processors.findIndex((x) => typeOf(x) === BATCH_TYPE);
      processors =
        batchAt >= 0
          ? [...processors.slice(0, batchAt), proc, ...processors.slice(batchAt)]
          : [...processors, proc];
    }
    this.pipelineMap.set(id, {
      receivers: merge(p.receivers, part.receivers),
      processors,
      exporters: merge(p.exporters, part.exporters),
    });
  }

  /** Enables an already defined extension in `service.extensions` (extensions are enabled on add). */
  enableExtension(id: string): void {
    if (!this.enabledExtensions.includes(id)) this.enabledExtensions.push(id);
  }

  /** Ids in `service.extensions`. */
  extensions(): string[] {
    return [...this.enabledExtensions];
  }

  /** The collector's own log level (`service.telemetry.logs.level`). @default 'info' */
  setLogLevel(level: 'debug' | 'info' | 'warn' | 'error'): void {
    this.telemetryLogLevel = level;
  }

  /** Ports of all receivers and extensions, plus the collector's telemetry port. */
  ports(): ComponentPort[] {
    const out: ComponentPort[] = [];
    const seen = new Set<number>();
    for (const c of this.list()) {
      if (c.kind !== 'receiver' && c.kind !== 'extension') continue;
      for (const p of c.ports()) {
        if (seen.has(p.port)) continue;
        seen.add(p.port);
        out.push(p);
      }
    }
    if (!seen.has(COLLECTOR_TELEMETRY_PORT)) {
      out.push({ name: 'metrics', port: COLLECTOR_TELEMETRY_PORT, protocol: 'TCP', expose: false });
    }
    return out;
  }

  /**
   * Checks the whole config; returns one message per problem, each naming `owner` (e.g.
   * `GatewayTier 'gateway'`), the pipeline and the component, and saying how to fix it.
   */
  validate(owner: string): string[] {
    const errors: string[] = [];
    const err = (m: string) => errors.push(`${owner}: ${m}`);
    const usedAsReceiver = new Map<string, Signal[]>();
    const usedAsExporter = new Map<string, Signal[]>();
    const used = new Set<string>();

    if (this.pipelineMap.size === 0)
      err('the collector has no pipelines; add one with config.setPipeline(...)');

    for (const [pid, p] of this.pipelineMap) {
      const signal = pid.split('/')[0] as Signal;
      if (!SIGNALS.includes(signal)) {
        err(
          `pipeline '${pid}' has an unknown signal '${signal}'; name pipelines '<signal>' or '<signal>/<name>' with signal logs, metrics or traces`,
        );
        continue;
      }
      if (p.receivers.length === 0)
        err(`pipeline ${pid} has no receivers; add at least one receiver or connector`);
      if (p.exporters.length === 0)
        err(`pipeline ${pid} has no exporters; add at least one exporter or connector`);

      const check = (id: string, role: 'receiver' | 'processor' | 'exporter') => {
        const asConnector = role !== 'processor' ? this.get('connector', id) : undefined;
        const comp = this.get(role, id) ?? asConnector;
        if (!comp) {
          const fix =
            role === 'processor'
              ? `define it with config.addProcessor(...)`
              : `define it with config.${ADDER[role]}(...) (or config.addConnector(...))`;
          err(
            `pipeline ${pid} uses ${role} '${id}' which is not defined; ${fix} or remove it from the pipeline`,
          );
          return;
        }
        used.add(this.key(comp.kind, comp.id));
        if (comp.kind === 'connector') {
          const m = role === 'receiver' ? usedAsReceiver : usedAsExporter;
          m.set(id, [...(m.get(id) ?? []), signal]);
          const ok = comp.connects.some((c) => (role === 'receiver' ? c.to : c.from) === signal);
          if (!ok) {
            err(
              `pipeline ${pid} uses connector '${id}' as ${role === 'receiver' ? 'a receiver' : 'an exporter'} but it does not ${role === 'receiver' ? 'emit' : 'consume'} ${signal}; supported pairs: ${comp.connects.map((c) => `${c.from}->${c.to}`).join(', ')}`,
            );
          }
        } else if (!comp.signals.includes(signal)) {
          err(
            `pipeline ${pid} uses ${role} '${id}' which does not support ${signal} (it supports ${comp.signals.join(', ')}); move it to a ${comp.signals.join('/')} pipeline`,
          );
        }
      };
      p.receivers.forEach((id) => check(id, 'receiver'));
      (p.processors ?? []).forEach((id) => check(id, 'processor'));
      p.exporters.forEach((id) => check(id, 'exporter'));

      const procs = p.processors ?? [];
      const dup = procs.filter((x, i) => procs.indexOf(x) !== i);
      if (dup.length) err(`pipeline ${pid} lists processor '${dup[0]}' twice; list each processor once`);
      const toRealExporter = p.exporters.some((id) => this.has('exporter', id));
      const mlIndex = procs.findIndex((id) => typeOf(id) === MEMORY_LIMITER_TYPE);
      if (mlIndex !== 0) {
        err(
          mlIndex < 0
            ? `pipeline ${pid} has no memory_limiter processor; put a memory_limiter first in its processors`
            : `pipeline ${pid} has processor '${procs[mlIndex]}' at position ${mlIndex + 1}; the memory_limiter must be the first processor`,
        );
      }
      if (toRealExporter && !procs.some((id) => typeOf(id) === BATCH_TYPE)) {
        err(`pipeline ${pid} has no batch processor; add a batch processor to its processors`);
      }
    }

    for (const c of this.list()) {
      if (c.kind === 'extension') continue;
      if (!used.has(this.key(c.kind, c.id))) {
        err(
          `${c.kind} '${c.id}' is defined but no pipeline uses it; add it to a pipeline or remove it with config.remove('${c.kind}', '${c.id}')`,
        );
      }
    }
    for (const c of this.list('connector')) {
      if (!used.has(this.key('connector', c.id))) continue;
      const r = usedAsReceiver.get(c.id);
      const e = usedAsExporter.get(c.id);
      if (!r || !e) {
        err(
          `connector '${c.id}' is used only as ${r ? 'a receiver' : 'an exporter'} (in ${[...(r ?? e ?? [])].join(', ')} pipelines); a connector must be an exporter of one pipeline and a receiver of another`,
        );
      }
    }
    for (const id of this.enabledExtensions) {
      if (!this.has('extension', id)) {
        err(
          `service.extensions enables extension '${id}' which is not defined; define it with config.addExtension(...)`,
        );
      }
    }
    for (const c of this.list('extension')) {
      if (!this.enabledExtensions.includes(c.id)) {
        err(
          `extension '${c.id}' is defined but not enabled in service.extensions; enable it with config.enableExtension('${c.id}') or remove it`,
        );
      }
    }
    const hc = this.list('extension').filter(
      (c) => c.type === HEALTH_CHECK_TYPE && this.enabledExtensions.includes(c.id),
    );
    if (hc.length === 0) {
      err(
        `no health_check extension is enabled; the probes need it: add Extensions.healthCheck() with config.addExtension(...)`,
      );
    }
    // Components that reference storage / leader-elector extensions by id.
    for (const c of this.list()) {
      for (const ref of extensionRefs(c.config)) {
        if (!this.has('extension', ref)) {
          err(
            `${c.kind} '${c.id}' references extension '${ref}' which is not defined; add it with config.addExtension(...) or remove the reference`,
          );
        }
      }
    }
    // Backend credentials only from Secrets: never a literal token, password or auth header.
    for (const c of this.list()) {
      for (const hit of findInlineCredentials(c.config)) {
        const fix = hit.header
          ? `use headersFromSecrets: { '${hit.key}': { secretName, key } } on the backend (Backend.otlp/otlpHttp) or exporter (Exporters.otlp/otlphttp)`
          : `put it in a Secret, give the collector an env var with valueFrom.secretKeyRef (the component's needs.env) and write '\${env:VAR}' (or a *_file setting) instead`;
        err(
          `${c.kind} '${c.id}' has an inline credential in ${hit.path} (value not shown); credentials come only from Secrets: ${fix}`,
        );
      }
    }
    return errors;
  }

  /** The health_check extension's port and path, for the probes. */
  healthCheck(): { port: number; path: string } | undefined {
    const hc = this.list('extension').find((c) => c.type === HEALTH_CHECK_TYPE);
    if (!hc) return undefined;
    const endpoint = typeof hc.config.endpoint === 'string' ? hc.config.endpoint : '0.0.0.0:13133';
    const port = Number(/:(\d+)$/.exec(endpoint)?.[1] ?? 13133);
    const path = typeof hc.config.path === 'string' ? hc.config.path : '/';
    return { port, path };
  }

  /** The config as the collector reads it (plain JSON, ready for YAML). */
  toJson(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const kind of ['extension', 'receiver', 'processor', 'connector', 'exporter'] as const) {
      const comps = this.list(kind);
      if (comps.length === 0) continue;
      out[SECTION[kind]] = Object.fromEntries(comps.map((c) => [c.id, c.config]));
    }
    out.service = {
      extensions: [...this.enabledExtensions],
      pipelines: Object.fromEntries(
        [...this.pipelineMap].map(([id, p]) => [
          id,
          { receivers: [...p.receivers], processors: [...(p.processors ?? [])], exporters: [...p.exporters] },
        ]),
      ),
      telemetry: {
        logs: { level: this.telemetryLogLevel, encoding: 'json' },
        metrics: {
          level: 'detailed',
          readers: [
            { pull: { exporter: { prometheus: { host: '0.0.0.0', port: COLLECTOR_TELEMETRY_PORT } } } },
          ],
        },
      },
    };
    return out;
  }
}

function typeOf(id: string): string {
  return id.split('/')[0];
}

/** Extension ids referenced from a component config (`storage:`, `k8s_leader_elector:`). */
function extensionRefs(config: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
      if ((k === 'storage' || k === 'k8s_leader_elector') && typeof v === 'string') out.push(v);
      else walk(v);
    }
  };
  walk(config);
  return out;
}

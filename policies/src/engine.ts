import { collectorConfigsOf, configsOfWorkload, type CollectorConfig } from './manifest/collector-config';
import { asString, at, resourceId, type Resource } from './manifest/resource';
import { toWorkload, type Workload } from './manifest/workload';
import { parsePolicyOptions, type PolicyOptions } from './options';
import { readAnnotationOverrides } from './overrides';
import type { Finding, Rule, RuleContext } from './rule';
import { RULES } from './rules';
import { SEVERITY_RANK, type Severity } from './severity';

/** Pseudo-rule id for override annotations that cannot be applied. */
export const INVALID_OVERRIDE_RULE = 'policy-override-invalid';

/** How a finding's treatment was changed, and why. */
export interface AppliedOverride {
  readonly source: 'annotation' | 'options';
  /** The annotation key, or `rules.<id>` of the options. */
  readonly key: string;
  readonly reason: string;
}

/** A finding as reported. */
export interface ReportEntry {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly defaultSeverity: Severity;
  /** `Kind/namespace/name`. */
  readonly resource: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly file: string;
  readonly location: string;
  readonly message: string;
  readonly recommendation: string;
  /** Set when the severity was changed by an override. */
  readonly override?: AppliedOverride;
}

/** A finding switched off by an override: still listed, with the reason. */
export interface SuppressedEntry extends Omit<ReportEntry, 'override'> {
  readonly override: AppliedOverride;
}

export interface Report {
  readonly entries: readonly ReportEntry[];
  readonly suppressed: readonly SuppressedEntry[];
  /** Rules switched off for the whole run, with the reason. */
  readonly disabledRules: readonly { readonly ruleId: string; readonly reason: string }[];
  readonly counts: Readonly<Record<Severity, number>>;
  readonly failOn: Severity;
  /** Whether any entry is at or above `failOn`. */
  readonly failed: boolean;
  readonly resourceCount: number;
}

/** Builds the context rules see. */
export function buildContext(resources: readonly Resource[], options: PolicyOptions): RuleContext {
  const workloads: Workload[] = [];
  const configs: CollectorConfig[] = [];
  for (const r of resources) {
    const w = toWorkload(r);
    if (w) workloads.push(w);
    configs.push(...collectorConfigsOf(r));
  }
  const hpas = resources.filter((r) => r.kind === 'HorizontalPodAutoscaler');
  return {
    resources,
    workloads,
    collectorConfigs: configs,
    options,
    maxReplicas(w) {
      let max = w.maxReplicas;
      for (const h of hpas) {
        const ref = at(h.object, 'spec', 'scaleTargetRef');
        const hMax = at(h.object, 'spec', 'maxReplicas');
        if (
          asString(at(ref, 'kind')) === w.resource.kind &&
          asString(at(ref, 'name')) === w.resource.name &&
          (!h.namespace || !w.resource.namespace || h.namespace === w.resource.namespace) &&
          typeof hMax === 'number'
        ) {
          max = Math.max(max, hMax);
        }
      }
      return max;
    },
    configsOf(w) {
      return configsOfWorkload(w, configs);
    },
  };
}

/** Runs the rules over the resources and applies global and per-resource overrides. */
export function evaluate(
  resources: readonly Resource[],
  optionsInput: unknown = {},
  rules: readonly Rule[] = RULES,
): Report {
  const ruleIds = rules.map((r) => r.id);
  const options = parsePolicyOptions(optionsInput, 'options', ruleIds);
  const ctx = buildContext(resources, options);
  const byId = new Map(rules.map((r) => [r.id, r]));

  const raw: Finding[] = [];
  const disabledRules: { ruleId: string; reason: string }[] = [];
  for (const rule of rules) {
    const global = options.rules[rule.id];
    if (global?.enabled === false) {
      disabledRules.push({ ruleId: rule.id, reason: global.reason });
      continue;
    }
    raw.push(...rule.check(ctx));
  }

  const entries: ReportEntry[] = [];
  const suppressed: SuppressedEntry[] = [];
  const perResource = new Map(resources.map((r) => [r, readAnnotationOverrides(r, ruleIds)]));

  for (const r of resources) {
    for (const inv of perResource.get(r)?.invalid ?? []) {
      entries.push({
        ...describe(r),
        ruleId: INVALID_OVERRIDE_RULE,
        severity: 'error',
        defaultSeverity: 'error',
        location: `metadata.annotations["${inv.annotation}"]`,
        message: inv.problem,
        recommendation: 'Fix or remove the annotation; see the list of rules with `policies rules`.',
      });
    }
  }

  for (const f of raw) {
    const rule = byId.get(f.ruleId);
    if (!rule) continue;
    const base = {
      ...describe(f.resource),
      ruleId: f.ruleId,
      defaultSeverity: rule.severity,
      location: f.location,
      message: f.message,
      recommendation: rule.recommendation,
    };
    const annotated = perResource.get(f.resource)?.overrides.filter((o) => o.ruleId === f.ruleId) ?? [];
    const skip = annotated.find((o) => o.kind === 'skip');
    if (skip) {
      suppressed.push({
        ...base,
        severity: rule.severity,
        override: { source: 'annotation', key: skip.annotation, reason: skip.reason },
      });
      continue;
    }
    const sev = annotated.find((o) => o.kind === 'severity');
    if (sev && sev.kind === 'severity') {
      entries.push({
        ...base,
        severity: sev.severity,
        override: { source: 'annotation', key: sev.annotation, reason: sev.reason },
      });
      continue;
    }
    const global = options.rules[f.ruleId];
    if (global?.severity) {
      entries.push({
        ...base,
        severity: global.severity,
        override: { source: 'options', key: `rules.${f.ruleId}`, reason: global.reason },
      });
      continue;
    }
    entries.push({ ...base, severity: rule.severity });
  }

  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const e of entries) counts[e.severity]++;
  const failed = entries.some((e) => SEVERITY_RANK[e.severity] >= SEVERITY_RANK[options.failOn]);
  return {
    entries,
    suppressed,
    disabledRules,
    counts,
    failOn: options.failOn,
    failed,
    resourceCount: resources.length,
  };
}

function describe(r: Resource) {
  return {
    resource: resourceId(r),
    kind: r.kind,
    name: r.name,
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    file: r.file,
  };
}

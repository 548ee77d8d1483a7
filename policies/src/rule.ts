import type { CollectorConfig } from './manifest/collector-config';
import type { Resource } from './manifest/resource';
import type { Workload } from './manifest/workload';
import type { PolicyOptions } from './options';
import type { Severity } from './severity';

/** One problem a rule found in one resource. */
export interface Finding {
  readonly ruleId: string;
  readonly resource: Resource;
  /** Where in the resource, as a path (e.g. `spec.template.spec.containers[0].image`). */
  readonly location: string;
  /** What is wrong, naming the value. */
  readonly message: string;
}

/** Everything a rule may look at: all resources of the run, pre-digested. */
export interface RuleContext {
  readonly resources: readonly Resource[];
  readonly workloads: readonly Workload[];
  readonly collectorConfigs: readonly CollectorConfig[];
  readonly options: PolicyOptions;
  /** The highest replica count of a workload, counting HorizontalPodAutoscalers that target it. */
  maxReplicas(w: Workload): number;
  /** The collector configs a workload runs. */
  configsOf(w: Workload): readonly CollectorConfig[];
}

/** A policy: an invariant over manifests. */
export interface Rule {
  /** Stable kebab-case id, used in overrides and reports. */
  readonly id: string;
  readonly severity: Severity;
  /** What it checks, one sentence. */
  readonly description: string;
  /** What to do about a finding. */
  readonly recommendation: string;
  check(ctx: RuleContext): Finding[];
}

/** Finding factory bound to a rule id. */
export function finder(ruleId: string) {
  return (resource: Resource, location: string, message: string): Finding => ({
    ruleId,
    resource,
    location,
    message,
  });
}

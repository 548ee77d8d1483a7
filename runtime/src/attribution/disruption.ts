import type { Pod } from '../kube/pod';

export interface Disruption {
  readonly kind: 'evicted' | 'preempted';
  readonly reason: string;
  readonly message: string;
}

const PREEMPTION_REASONS = new Set(['PreemptionByScheduler', 'PreemptionByKubeScheduler']);
const EVICTION_REASONS = new Set(['EvictionByEvictionAPI', 'TerminationByKubelet', 'DeletionByTaintManager']);

/**
 * Whether the pod was evicted or preempted: `status.reason` `Evicted` (kubelet node-pressure
 * eviction) or `Preempting` (kubelet admission preemption), or a `DisruptionTarget` condition
 * (scheduler preemption, Eviction API, kubelet termination, taint manager).
 */
export function disruptionOf(pod: Pod): Disruption | undefined {
  const st = pod.status;
  if (!st) return undefined;
  if (st.reason === 'Evicted') return { kind: 'evicted', reason: st.reason, message: st.message ?? '' };
  if (st.reason === 'Preempting') return { kind: 'preempted', reason: st.reason, message: st.message ?? '' };
  for (const c of st.conditions ?? []) {
    if (c.type !== 'DisruptionTarget' || c.status !== 'True' || !c.reason) continue;
    if (PREEMPTION_REASONS.has(c.reason))
      return { kind: 'preempted', reason: c.reason, message: c.message ?? '' };
    if (EVICTION_REASONS.has(c.reason))
      return { kind: 'evicted', reason: c.reason, message: c.message ?? '' };
  }
  return undefined;
}

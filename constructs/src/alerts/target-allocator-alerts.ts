import { AlertGroup } from './alert-rule';
import { ResolvedAlertRulesProps } from './alert-props';
import { TARGET_ALLOCATOR_METRICS } from './collector-metrics';

/** Target Allocator down/absent and unassigned-target alerts. */
export function targetAllocatorAlerts(props: ResolvedAlertRulesProps): AlertGroup {
  if (!props.targetAllocator) return { name: 'otel-tiers.target-allocator', rules: [] };
  const job = props.jobs.targetAllocator;
  return {
    name: 'otel-tiers.target-allocator',
    rules: [
      {
        alert: 'OtelTargetAllocatorDown',
        expr: `up{job="${job}"} == 0 or absent(up{job="${job}"})`,
        for: '10m',
        severity: 'critical',
        summary: 'The Target Allocator (job ' + job + ') is down or not scraped',
        description:
          `The Target Allocator (job ${job}) has been down or absent for 10 minutes. Collectors keep their last ` +
          'assignment, but new targets are not scraped and targets of lost collectors are not reassigned.',
      },
      {
        alert: 'OtelTargetAllocatorTargetsUnassigned',
        expr: `max by (job, namespace, pod) (${TARGET_ALLOCATOR_METRICS.targetsUnassigned}{job="${job}"}) > 0`,
        for: '15m',
        severity: 'warning',
        summary: 'The Target Allocator {{ $labels.pod }} leaves scrape targets unassigned',
        description:
          'Target Allocator {{ $labels.namespace }}/{{ $labels.pod }} has had targets it could not assign to ' +
          'any collector for 15 minutes: those targets are not scraped.',
      },
      {
        alert: 'OtelTargetAllocatorNoCollectors',
        expr: `max by (job, namespace, pod) (${TARGET_ALLOCATOR_METRICS.collectorsAllocatable}{job="${job}"}) == 0`,
        for: '10m',
        severity: 'critical',
        summary: 'The Target Allocator {{ $labels.pod }} has no collector to assign targets to',
        description:
          'Target Allocator {{ $labels.namespace }}/{{ $labels.pod }} has seen no allocatable collector for ' +
          '10 minutes: no cluster scrape target is assigned.',
      },
    ],
  };
}

import { AlertGroup } from './alert-rule';
import { ResolvedAlertRulesProps } from './alert-props';
import { KUBE_STATE_METRICS } from './collector-metrics';

/** Restart and OOM-kill alerts from kube-state-metrics, for collectors, Target Allocator and podtail. */
export function kubeStateAlerts(props: ResolvedAlertRulesProps): AlertGroup {
  const sel = `namespace="${props.namespace}", container=~"${props.containers.join('|')}"`;
  const window = props.thresholds.restartWindow;
  return {
    name: 'otel-tiers.kube-state',
    rules: [
      {
        alert: 'OtelCollectorRestarting',
        expr: `increase(${KUBE_STATE_METRICS.restarts}{${sel}}[${window}]) >= ${props.thresholds.restarts}`,
        for: '0m',
        severity: 'warning',
        summary: 'Container {{ $labels.container }} of {{ $labels.pod }} is restarting',
        description:
          `Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} restarted at least ` +
          `${props.thresholds.restarts} times in ${window} (kube-state-metrics).`,
      },
      {
        alert: 'OtelCollectorOOMKilled',
        expr:
          `(${KUBE_STATE_METRICS.lastTerminatedReason}{${sel}, reason="OOMKilled"} == 1) ` +
          `and on (namespace, pod, container) (increase(${KUBE_STATE_METRICS.restarts}{${sel}}[${window}]) > 0)`,
        for: '0m',
        severity: 'critical',
        summary: 'Container {{ $labels.container }} of {{ $labels.pod }} was OOM-killed',
        description:
          `Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} restarted in the last ` +
          `${window} after it was killed for exceeding its memory limit (kube-state-metrics).`,
      },
    ],
  };
}

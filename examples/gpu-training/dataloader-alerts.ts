import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';

/** Props of `DataloaderAlerts`. */
export interface DataloaderAlertsProps {
  /** Name of the `PrometheusRule`. @default 'training-dataloader-alerts' */
  readonly name?: string;
  /** Share of iteration time spent waiting for data above which a job is input-bound. @default 0.3 */
  readonly inputBoundRatio?: number;
  /** Share above which the job is starved (critical). @default 0.6 */
  readonly starvedRatio?: number;
  /** Window of the rates (Prometheus duration). @default '10m' */
  readonly window?: string;
  /** How long the ratio must hold. @default '15m' */
  readonly for?: string;
  /** Base URL of the runbook; each alert links `<url>#<alert lowercased>`. @default this example's README */
  readonly runbookUrl?: string;
  /** Labels on the `PrometheusRule` (your Prometheus's `ruleSelector`). @default {} */
  readonly ruleLabels?: Readonly<Record<string, string>>;
}

/**
 * Alerts on input-bound training jobs, from the histograms podtail's `dataloader` extraction
 * exports (`training.dataloader.data_time`, `training.iteration.time`, seconds), as Prometheus
 * names them after the collector's conversion. One series per `gen_ai.training.job_id`.
 */
export class DataloaderAlerts extends Construct {
  readonly alertNames: readonly string[] = ['TrainingJobInputBound', 'TrainingJobInputStarved'];

  constructor(scope: Construct, id: string, props: DataloaderAlertsProps = {}) {
    super(scope, id);
    const window = props.window ?? '10m';
    const bound = props.inputBoundRatio ?? 0.3;
    const starved = props.starvedRatio ?? 0.6;
    if (!(bound > 0 && bound < starved && starved <= 1)) {
      throw new Error(
        `DataloaderAlerts '${id}': inputBoundRatio ${bound} and starvedRatio ${starved} must satisfy 0 < inputBoundRatio < starvedRatio <= 1`,
      );
    }
    const runbook =
      props.runbookUrl ??
      'https://github.com/otel-tiers/otel-tiers/blob/main/examples/gpu-training/README.md';
    const ratio =
      `sum by (gen_ai_training_job_id) (rate(training_dataloader_data_time_seconds_sum[${window}]))` +
      ` / sum by (gen_ai_training_job_id) (rate(training_iteration_time_seconds_sum[${window}]))`;
    const rule = (alert: string, threshold: number, severity: string, what: string) => ({
      alert,
      expr: `${ratio} > ${threshold}`,
      for: props.for ?? '15m',
      labels: { severity },
      annotations: {
        summary: `Training job {{ $labels.gen_ai_training_job_id }} is ${what}`,
        description:
          `Ranks of job {{ $labels.gen_ai_training_job_id }} spend {{ $value | humanizePercentage }} of each ` +
          `iteration waiting for the dataloader (over ${threshold * 100}% for ${props.for ?? '15m'}). ` +
          'Add dataloader workers, prefetch, or move the data closer to the GPUs.',
        runbook_url: `${runbook}#${alert.toLowerCase()}`,
      },
    });
    new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: props.name ?? 'training-dataloader-alerts',
        namespace: Chart.of(this).namespace,
        labels: { 'app.kubernetes.io/part-of': 'otel-tiers', ...(props.ruleLabels ?? {}) },
      },
      spec: {
        groups: [
          {
            name: 'training-dataloader',
            rules: [
              rule('TrainingJobInputBound', bound, 'warning', 'input-bound'),
              rule('TrainingJobInputStarved', starved, 'critical', 'starved of input'),
            ],
          },
        ],
      },
    });
  }
}

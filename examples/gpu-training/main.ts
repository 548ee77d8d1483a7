import { ApiObject, App, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
// A user's app imports the same names from 'otel-tiers'.
import {
  AgentTier,
  AlertRules,
  Backend,
  ClusterAgentTier,
  ClusterScrape,
  GatewayTier,
  LogsSource,
  TierMonitors,
  clusterScoped,
} from '../../constructs/src';
import { DataloaderAlerts } from './dataloader-alerts';

/** Rank sources: the global rank env of PyTorchJob, its replica index, indexed Job / JobSet, then the line itself. */
export const RANK_SOURCES = [
  'env:RANK',
  'label:training.kubeflow.org/replica-index',
  'label:batch.kubernetes.io/job-completion-index',
  'annotation:batch.kubernetes.io/job-completion-index',
  'body',
];
/** The `[rank3]:` prefix torchrun puts on each worker's lines (`--tee`/`--log-line-prefix-template`). */
export const RANK_BODY_PATTERN = String.raw`^\[rank(?P<rank>\d+)\]`;
/** Job id sources: PyTorchJob, JobSet, Job, then the torchrun run id. */
export const JOB_SOURCES = [
  'label:training.kubeflow.org/job-name',
  'label:jobset.sigs.k8s.io/jobset-name',
  'label:batch.kubernetes.io/job-name',
  'env:TORCHELASTIC_RUN_ID',
];
/** The training loop's progress line: `... data_time=0.412s iter_time=1.25s ...`. */
export const DATALOADER_PATTERN = String.raw`data_time=(?P<data_time_s>[0-9]*\.?[0-9]+)s?\s+iter_time=(?P<iter_time_s>[0-9]*\.?[0-9]+)`;

/** Props of `GpuTrainingStack`. */
export interface GpuTrainingStackProps extends ChartProps {
  /** @default 'observability' */
  readonly namespace?: string;
  /** Namespaces the training jobs run in (structured JSON logs are parsed there). @default ['training'] */
  readonly trainingNamespaces?: readonly string[];
}

/**
 * A GPU training cluster: agents on every GPU node (tolerating the GPU taint) with podtail
 * attributing every line to its job and rank (PyTorchJob and JobSet labels first), turning the
 * training loop's timings into dataloader histograms; a gateway sending to one OTLP backend and
 * scraping kube-state-metrics; the podtail alerts and dataloader alerts, with PodMonitors.
 */
export class GpuTrainingStack extends Chart {
  readonly agent: AgentTier;
  readonly gateway: GatewayTier;
  readonly alerts: AlertRules;
  readonly dataloaderAlerts: DataloaderAlerts;

  constructor(scope: Construct, id: string, props: GpuTrainingStackProps = {}) {
    const namespace = props.namespace ?? 'observability';
    super(scope, id, { ...props, namespace });
    clusterScoped(
      new ApiObject(this, 'namespace', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      }),
    );
    const addons = [new TierMonitors()];
    this.gateway = new GatewayTier(this, 'gateway', {
      backends: [
        Backend.otlp('lake', {
          endpoint: 'otel-lake.observability-backend.svc.cluster.local:4317',
          insecure: true,
        }),
      ],
      clusterScrapes: [ClusterScrape.kubeStateMetrics()],
      addons,
    });
    this.agent = new AgentTier(this, 'agent', {
      gateway: this.gateway,
      addons,
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      // Training logs are bursty: more room for podtail.
      logs: LogsSource.podtail({
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        settings: {
          kubernetes: {
            labels: {
              include: [
                'training.kubeflow.org/*',
                'jobset.sigs.k8s.io/*',
                'batch.kubernetes.io/*',
                'app.kubernetes.io/*',
              ],
            },
          },
          training: {
            rank: { sources: RANK_SOURCES, bodyPattern: RANK_BODY_PATTERN },
            jobId: { sources: JOB_SOURCES },
          },
          structured: { rules: (props.trainingNamespaces ?? ['training']).map((ns) => ({ namespace: ns })) },
          dataloader: {
            enabled: true,
            trainingOnly: true,
            patterns: [DATALOADER_PATTERN],
            exportIntervalMs: 30_000,
          },
        },
      }),
    });
    new ClusterAgentTier(this, 'cluster-agent', { gateway: this.gateway, addons });
    this.alerts = new AlertRules(this, 'alerts');
    this.dataloaderAlerts = new DataloaderAlerts(this, 'dataloader-alerts');
  }
}

if (require.main === module) {
  const app = new App();
  new GpuTrainingStack(app, 'gpu-training');
  app.synth();
}

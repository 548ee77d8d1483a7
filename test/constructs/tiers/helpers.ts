import { Testing, Chart } from 'cdk8s';
import type { Manifest } from '../kube-validate';
import { Backend, ClusterScrape, GatewayEndpoint, type IGatewayEndpoint } from '../../../constructs/src';

export function chart(namespace = 'monitoring'): Chart {
  return new Chart(Testing.app(), 'test', { namespace, disableResourceNameHashes: true });
}

export const GW: IGatewayEndpoint = GatewayEndpoint.fromAddress(
  'otel-gateway.monitoring.svc.cluster.local:4317',
);

export const BACKENDS = [
  Backend.otlp('primary', { endpoint: 'backend.example:4317' }),
  Backend.otlpHttp('vendor', {
    endpoint: 'https://otlp.vendor.example',
    headersFromSecrets: { 'api-key': { secretName: 'vendor-otlp', key: 'api-key' } },
    when: 'resource.attributes["k8s.namespace.name"] == "prod"',
  }),
];

export const SCRAPES = [ClusterScrape.kubeStateMetrics(), ClusterScrape.apiserver()];

/** The pod spec of a workload manifest. */
export function podSpec(o: Manifest): {
  containers: Array<Record<string, any>>;
  volumes: Array<Record<string, any>>;
  tolerations?: Array<Record<string, any>>;
  securityContext?: Record<string, unknown>;
  serviceAccountName: string;
} {
  return (o.spec as { template: { spec: never } }).template.spec;
}

import { Testing, Chart } from 'cdk8s';
import type { Manifest } from '../kube-validate';
import { Backend, ClusterScrape, GatewayEndpoint, type IGatewayEndpoint } from '../../../constructs/src';

export function chart(namespace = 'monitoring'): Chart {
  return new Chart(Testing.app(), 'test', { namespace, disableResourceNameHashes: true });
}

/** Synthesized JSON, read freely by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests walk arbitrary manifest JSON
export type Json = any;

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
  containers: Array<Record<string, Json>>;
  volumes: Array<Record<string, Json>>;
  tolerations?: Array<Record<string, Json>>;
  securityContext?: Record<string, unknown>;
  serviceAccountName: string;
} {
  return (o.spec as { template: { spec: never } }).template.spec;
}

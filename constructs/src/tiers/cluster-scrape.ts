import { z } from 'zod';
import type { PolicyRule } from '../model/kube-types';
import { parseProps } from '../validation/prop-errors';
import { dnsLabel, duration } from '../validation/prop-schemas';

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const SA_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';
const read = ['get', 'list', 'watch'];

/** RBAC for Prometheus `kubernetes_sd_configs` of a role (what service discovery lists and watches). */
export function discoveryRules(role: string): PolicyRule[] {
  switch (role) {
    case 'endpoints':
      return [{ apiGroups: [''], resources: ['endpoints', 'services', 'pods'], verbs: read }];
    case 'endpointslice':
      return [
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
        { apiGroups: [''], resources: ['services', 'pods'], verbs: read },
      ];
    case 'pod':
      return [{ apiGroups: [''], resources: ['pods'], verbs: read }];
    case 'service':
      return [{ apiGroups: [''], resources: ['services'], verbs: read }];
    case 'node':
      return [{ apiGroups: [''], resources: ['nodes'], verbs: read }];
    default:
      throw new Error(
        `kubernetes_sd_configs role '${role}' is not known; use endpoints, endpointslice, pod, service or node`,
      );
  }
}

const nonEmpty = (what: string) => z.string({ error: `must be ${what}` }).min(1, `must be ${what}`);
const policyRules = z.array(
  z
    .object({
      apiGroups: z.array(z.string()).optional(),
      resources: z.array(z.string()).optional(),
      resourceNames: z.array(z.string()).optional(),
      nonResourceURLs: z.array(z.string()).optional(),
      verbs: z.array(z.string()).min(1, 'must list at least one verb'),
    })
    .strict(),
  {
    error: "must be an array of RBAC rules, e.g. [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]",
  },
);
const kubeStateMetricsOptions = z
  .object({
    namespace: dnsLabel.optional(),
    service: nonEmpty('the Service name of kube-state-metrics').optional(),
    port: nonEmpty('the name of the Service port serving metrics, e.g. http-metrics').optional(),
    interval: duration.optional(),
  })
  .strict();
const apiserverOptions = z.object({ interval: duration.optional() }).strict();
const customOptions = z
  .object({ discoveryRules: policyRules.optional(), scrapeRules: policyRules.optional() })
  .strict();

/**
 * A cluster-wide Prometheus scrape the gateway runs through the Target Allocator, so each
 * target is scraped by exactly one gateway replica.
 */
export class ClusterScrape {
  /** kube-state-metrics, found through its Service's endpoint slices. */
  static kubeStateMetrics(
    options: { namespace?: string; service?: string; port?: string; interval?: string } = {},
  ): ClusterScrape {
    parseProps('ClusterScrape.kubeStateMetrics()', 'options', kubeStateMetricsOptions, options);
    const ns = options.namespace ?? 'kube-system';
    const svc = options.service ?? 'kube-state-metrics';
    return new ClusterScrape(
      {
        job_name: 'kube-state-metrics',
        scrape_interval: options.interval ?? '30s',
        honor_labels: true,
        kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [ns] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_service_name'], regex: svc, action: 'keep' },
          {
            source_labels: ['__meta_kubernetes_endpointslice_port_name'],
            regex: options.port ?? 'http-metrics',
            action: 'keep',
          },
        ],
      },
      discoveryRules('endpointslice'),
      [],
    );
  }

  /** The Kubernetes API servers (`default/kubernetes` endpoints, https with the ServiceAccount token). */
  static apiserver(options: { interval?: string } = {}): ClusterScrape {
    parseProps('ClusterScrape.apiserver()', 'options', apiserverOptions, options);
    return new ClusterScrape(
      {
        job_name: 'apiserver',
        scrape_interval: options.interval ?? '30s',
        scheme: 'https',
        authorization: { credentials_file: SA_TOKEN },
        tls_config: { ca_file: SA_CA },
        kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: ['default'] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_service_name'], regex: 'kubernetes', action: 'keep' },
          { source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: 'https', action: 'keep' },
        ],
      },
      discoveryRules('endpointslice'),
      [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }],
    );
  }

  /**
   * Any scrape config. `discoveryRules` go to the Target Allocator (derived from the
   * `kubernetes_sd_configs` roles when omitted); `scrapeRules` to the collector (what the scrape itself needs).
   */
  static custom(
    scrapeConfig: Readonly<Record<string, unknown>>,
    options: { discoveryRules?: readonly PolicyRule[]; scrapeRules?: readonly PolicyRule[] } = {},
  ): ClusterScrape {
    parseProps('ClusterScrape.custom()', 'options', customOptions, options);
    if (typeof scrapeConfig.job_name !== 'string' || !scrapeConfig.job_name) {
      throw new Error('ClusterScrape.custom: the scrape config has no job_name; set job_name');
    }
    const roles = ((scrapeConfig.kubernetes_sd_configs as { role?: string }[] | undefined) ?? []).map(
      (s) => s.role ?? '',
    );
    return new ClusterScrape(
      scrapeConfig,
      options.discoveryRules ?? roles.flatMap((r) => discoveryRules(r)),
      options.scrapeRules ?? [],
    );
  }

  private constructor(
    /** The Prometheus scrape config. */
    readonly scrapeConfig: Readonly<Record<string, unknown>>,
    /** RBAC the Target Allocator needs to discover the targets. */
    readonly discoveryRules: readonly PolicyRule[],
    /** RBAC the collector needs to scrape them. */
    readonly scrapeRules: readonly PolicyRule[],
  ) {}

  get jobName(): string {
    return this.scrapeConfig.job_name as string;
  }
}

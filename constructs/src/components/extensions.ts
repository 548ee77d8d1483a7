import { z } from 'zod';
import { CollectorComponent } from '../model/component';
import { COMPONENT_TYPES as T } from './component-types';
import { DURATION, parseOptions } from './parse-options';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "_", "-", "."')
  .optional();
const duration = z.string().regex(DURATION, 'must be a Go duration such as 15s');

/** Options of `Extensions.healthCheck`. */
export const healthCheckOptions = z
  .object({
    name,
    endpoint: z
      .string()
      .regex(/^[^:]*:\d{1,5}$/, 'must be host:port')
      .default('0.0.0.0:13133'),
    path: z.string().startsWith('/').default('/'),
  })
  .strict();

/** Options of `Extensions.fileStorage`. */
export const fileStorageOptions = z
  .object({
    name,
    /** Directory in the container; a hostPath (DirectoryOrCreate) so state survives restarts. */
    directory: z.string().startsWith('/').default('/var/lib/otelcol/file_storage'),
    /** Host directory backing it. @default same as `directory` */
    hostPath: z.string().startsWith('/').optional(),
    timeout: duration.default('1s'),
  })
  .strict();

/** Options of `Extensions.k8sLeaderElector`. */
export const k8sLeaderElectorOptions = z
  .object({
    name,
    leaseName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS subdomain name'),
    /** Namespace of the Lease. @default '${env:POD_NAMESPACE}' (the collector's) */
    leaseNamespace: z.string().default('${env:POD_NAMESPACE}'),
    leaseDuration: duration.default('15s'),
    renewDeadline: duration.default('10s'),
    retryPeriod: duration.default('2s'),
  })
  .strict();

/** Typed builders for the extensions the tiers use. */
export class Extensions {
  /** `health_check`: the HTTP endpoint the liveness and readiness probes call. */
  static healthCheck(options: z.input<typeof healthCheckOptions> = {}): CollectorComponent {
    const o = parseOptions('extension health_check', healthCheckOptions, options);
    const port = Number(/:(\d+)$/.exec(o.endpoint)?.[1]);
    return new CollectorComponent({
      kind: 'extension',
      type: T.healthCheck,
      name: o.name,
      config: { endpoint: o.endpoint, path: o.path },
      ports: [{ name: 'health', port, protocol: 'TCP', expose: false }],
    });
  }

  /** `file_storage`: on-disk state (filelog checkpoints, persistent queues) on a hostPath. */
  static fileStorage(options: z.input<typeof fileStorageOptions> = {}): CollectorComponent {
    const o = parseOptions('extension file_storage', fileStorageOptions, options);
    return new CollectorComponent({
      kind: 'extension',
      type: T.fileStorage,
      name: o.name,
      config: { directory: o.directory, create_directory: true, timeout: o.timeout },
      needs: {
        hostMounts: [
          {
            name: `state-${(o.name ?? 'file-storage').toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(
              0,
              63,
            ),
            hostPath: o.hostPath ?? o.directory,
            mountPath: o.directory,
            type: 'DirectoryOrCreate',
            readOnly: false,
          },
        ],
      },
    });
  }

  /** `k8s_leader_elector`: a Lease; receivers naming it run only on the lease holder. */
  static k8sLeaderElector(options: z.input<typeof k8sLeaderElectorOptions>): CollectorComponent {
    const o = parseOptions('extension k8s_leader_elector', k8sLeaderElectorOptions, options);
    return new CollectorComponent({
      kind: 'extension',
      type: T.k8sLeaderElector,
      name: o.name,
      config: {
        auth_type: 'serviceAccount',
        lease_name: o.leaseName,
        lease_namespace: o.leaseNamespace,
        lease_duration: o.leaseDuration,
        renew_deadline: o.renewDeadline,
        retry_period: o.retryPeriod,
      },
      needs: {
        namespaceRules: [
          {
            apiGroups: ['coordination.k8s.io'],
            resources: ['leases'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'],
          },
        ],
        env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
      },
    });
  }
}

import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { KubeContainer, PolicyRule } from '../model/kube-types';
import { Rendering, type IWorkloadRenderer } from '../model/rendering';
import { nonRootSecurityContext, TARGET_ALLOCATOR_UID } from '../model/security-context';
import type { CollectorWorkloadModel, IdentityModel, TargetAllocatorModel } from '../model/workload';

/** Key of the collector config in its ConfigMap, mounted at /conf. */
export const COLLECTOR_CONFIG_KEY = 'collector.yaml';
/** Key of the Target Allocator config in its ConfigMap (the allocator reads /conf/targetallocator.yaml). */
export const TARGET_ALLOCATOR_CONFIG_KEY = 'targetallocator.yaml';

type Json = Record<string, unknown>;

/**
 * Renders a tier as plain Kubernetes objects (`ApiObject`s with exactly the JSON written,
 * so no field is filtered): ServiceAccount, ClusterRole/Binding and Role/Binding for the
 * rules, the collector ConfigMap, DaemonSet / Deployment / StatefulSet, Services, HPA, PDB,
 * and the Target Allocator (ServiceAccount, RBAC, ConfigMap, Deployment, Service).
 * Cluster-scoped objects carry no namespace, whatever the chart's namespace.
 */
export class PlainWorkloadRenderer implements IWorkloadRenderer {
  readonly name = 'plain';

  render(scope: Construct, m: CollectorWorkloadModel): void {
    const ns = m.namespace as string;
    const meta = (name: string, extra: Json = {}) => ({
      name,
      namespace: ns,
      labels: { ...m.labels },
      ...extra,
    });

    renderIdentity(scope, 'identity', m.identity, ns, m.labels);

    const configMapName = `${m.name}-config`;
    new ApiObject(scope, 'collector-config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(configMapName),
      data: { [COLLECTOR_CONFIG_KEY]: stringify(m.collector.config.toJson(), { lineWidth: 0 }) },
    } as never);
    m.configMaps.forEach(
      (cm, i) =>
        new ApiObject(scope, `configmap-${i}`, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: meta(cm.name),
          data: { ...cm.data },
        } as never),
    );

    const collector: KubeContainer = {
      name: 'otel-collector',
      image: m.collector.image,
      imagePullPolicy: m.collector.imagePullPolicy,
      args: [`--config=/conf/${COLLECTOR_CONFIG_KEY}`],
      env: m.collector.env,
      ports: m.collector.ports,
      volumeMounts: m.collector.volumeMounts,
      resources: m.collector.resources,
      securityContext: m.collector.securityContext,
      livenessProbe: m.collector.livenessProbe,
      readinessProbe: m.collector.readinessProbe,
    };
    const podSpec: Json = clean({
      serviceAccountName: m.identity.serviceAccountName,
      automountServiceAccountToken: true,
      securityContext: m.podSecurityContext,
      containers: [collector, ...m.sidecars],
      volumes: [{ name: 'collector-config', configMap: { name: configMapName } }, ...m.volumes],
      tolerations: m.tolerations.length ? m.tolerations : undefined,
      nodeSelector: Object.keys(m.nodeSelector).length ? m.nodeSelector : undefined,
      priorityClassName: m.priorityClassName,
      terminationGracePeriodSeconds: m.terminationGracePeriodSeconds,
    });
    const template = {
      metadata: { labels: { ...m.labels }, annotations: { ...m.podAnnotations } },
      spec: podSpec,
    };
    const selector = { matchLabels: { ...m.selectorLabels } };
    const headless = m.services.find((s) => s.headless);

    if (m.mode === 'daemonset') {
      new ApiObject(scope, 'workload', {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: meta(m.name),
        spec: {
          selector,
          template,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        },
      } as never);
    } else if (m.mode === 'deployment') {
      new ApiObject(scope, 'workload', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(m.name),
        spec: clean({
          replicas: m.autoscaling ? undefined : m.replicas,
          selector,
          template,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        }),
      } as never);
    } else {
      new ApiObject(scope, 'workload', {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta(m.name),
        spec: clean({
          replicas: m.autoscaling ? undefined : m.replicas,
          serviceName: headless?.name ?? m.name,
          podManagementPolicy: 'Parallel',
          selector,
          template,
          updateStrategy: { type: 'RollingUpdate' },
        }),
      } as never);
    }

    m.services.forEach(
      (s) =>
        new ApiObject(scope, `service-${s.name}`, {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: meta(s.name),
          spec: clean({
            type: 'ClusterIP',
            clusterIP: s.headless ? 'None' : undefined,
            publishNotReadyAddresses: s.headless ? true : undefined,
            internalTrafficPolicy: s.internalTrafficPolicy,
            selector: { ...m.selectorLabels },
            ports: s.ports.map((p) => ({
              name: p.name,
              port: p.port,
              targetPort: p.targetPort,
              protocol: p.protocol ?? 'TCP',
            })),
          }),
        } as never),
    );

    if (m.autoscaling && m.mode !== 'daemonset') {
      const metrics: Json[] = [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: m.autoscaling.targetCpuUtilization },
          },
        },
      ];
      if (m.autoscaling.targetMemoryUtilization) {
        metrics.push({
          type: 'Resource',
          resource: {
            name: 'memory',
            target: { type: 'Utilization', averageUtilization: m.autoscaling.targetMemoryUtilization },
          },
        });
      }
      new ApiObject(scope, 'hpa', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: meta(m.name),
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: m.mode === 'statefulset' ? 'StatefulSet' : 'Deployment',
            name: m.name,
          },
          minReplicas: m.autoscaling.minReplicas,
          maxReplicas: m.autoscaling.maxReplicas,
          metrics,
        },
      } as never);
    }
    if (m.disruptionBudget) {
      new ApiObject(scope, 'pdb', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(m.name),
        spec: clean({ selector, ...m.disruptionBudget }),
      } as never);
    }
    if (m.targetAllocator) renderTargetAllocator(scope, m, m.targetAllocator, ns);
  }
}

function renderTargetAllocator(
  scope: Construct,
  m: CollectorWorkloadModel,
  ta: TargetAllocatorModel,
  ns: string,
): void {
  const labels = {
    ...m.labels,
    'app.kubernetes.io/name': ta.name,
    'app.kubernetes.io/component': 'target-allocator',
  };
  const selectorLabels = {
    'app.kubernetes.io/name': ta.name,
    'app.kubernetes.io/component': 'target-allocator',
  };
  const meta = (name: string) => ({ name, namespace: ns, labels });
  renderIdentity(scope, 'ta-identity', ta.identity, ns, labels);
  const taConfig = {
    allocation_strategy: ta.allocationStrategy,
    filter_strategy: ta.filterStrategy,
    collector_selector: { matchlabels: { ...ta.collectorSelector } },
    config: { scrape_configs: ta.scrapeConfigs },
    prometheus_cr: { enabled: ta.prometheusCR },
  };
  const configYaml = stringify(taConfig, { lineWidth: 0 });
  new ApiObject(scope, 'ta-config', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(ta.name),
    data: { [TARGET_ALLOCATOR_CONFIG_KEY]: configYaml },
  } as never);
  new ApiObject(scope, 'ta-deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(ta.name),
    spec: {
      replicas: ta.replicas,
      selector: { matchLabels: selectorLabels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: ta.identity.serviceAccountName,
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'target-allocator',
              image: ta.image,
              imagePullPolicy: 'IfNotPresent',
              env: [
                { name: 'OTELCOL_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
              ports: [{ name: 'http', containerPort: ta.port, protocol: 'TCP' }],
              volumeMounts: [{ name: 'ta-config', mountPath: '/conf', readOnly: true }],
              resources: ta.resources,
              securityContext: nonRootSecurityContext(TARGET_ALLOCATOR_UID),
              livenessProbe: { httpGet: { path: '/livez', port: ta.port }, periodSeconds: 10 },
              readinessProbe: { httpGet: { path: '/readyz', port: ta.port }, periodSeconds: 5 },
            },
          ],
          volumes: [{ name: 'ta-config', configMap: { name: ta.name } }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
        },
      },
    },
  } as never);
  new ApiObject(scope, 'ta-service', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ta.name),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels,
      ports: [{ name: 'http', port: 80, targetPort: ta.port, protocol: 'TCP' }],
    },
  } as never);
}

/** ServiceAccount, and ClusterRole/Binding and Role/Binding for non-empty rule sets. */
function renderIdentity(
  scope: Construct,
  id: string,
  identity: IdentityModel,
  ns: string,
  labels: Json,
): void {
  const sa = identity.serviceAccountName;
  new ApiObject(scope, `${id}-sa`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: sa, namespace: ns, labels },
  } as never);
  const subjects = [{ kind: 'ServiceAccount', name: sa, namespace: ns }];
  if (identity.clusterRules.length) {
    const name = `${ns}-${sa}`;
    clusterScoped(
      new ApiObject(scope, `${id}-clusterrole`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels },
        rules: rules(identity.clusterRules),
      } as never),
    );
    clusterScoped(
      new ApiObject(scope, `${id}-clusterrolebinding`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects,
      } as never),
    );
  }
  if (identity.namespaceRules.length) {
    new ApiObject(scope, `${id}-role`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: sa, namespace: ns, labels },
      rules: rules(identity.namespaceRules),
    } as never);
    new ApiObject(scope, `${id}-rolebinding`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: sa, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
      subjects,
    } as never);
  }
}

function rules(r: readonly PolicyRule[]): Json[] {
  return r.map((x) => clean({ ...x }));
}

/** Removes the namespace the chart stamps on every ApiObject from a cluster-scoped object. */
export function clusterScoped(obj: ApiObject): ApiObject {
  if (Chart.of(obj).namespace) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}

function clean(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

Rendering.setPlainFactory(() => new PlainWorkloadRenderer());

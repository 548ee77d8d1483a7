import { Exporters, Extensions, Processors, Receivers } from '../../../constructs/src/components';
import { CollectorConfig, type CollectorWorkloadModel } from '../../../constructs/src/model';

const IMAGE = 'otel/opentelemetry-collector-contrib:0.158.0';

function baseConfig(): CollectorConfig {
  const config = new CollectorConfig();
  config.addExtension(Extensions.healthCheck());
  config.addProcessor(Processors.memoryLimiter());
  config.addProcessor(Processors.batch());
  return config;
}

const probes = {
  livenessProbe: { httpGet: { path: '/', port: 13133 }, initialDelaySeconds: 5, periodSeconds: 10 },
  readinessProbe: { httpGet: { path: '/', port: 13133 }, periodSeconds: 5, failureThreshold: 3 },
};
const securityContext = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

/** An agent: DaemonSet, host mounts, tolerations, the podtail sidecar with its ConfigMap. */
export function agentModel(): CollectorWorkloadModel {
  const config = baseConfig();
  config.addReceiver(Receivers.otlp());
  config.addExporter(Exporters.otlp({ endpoint: 'otel-gateway.monitoring.svc:4317' }));
  config.setPipeline('logs', {
    receivers: ['otlp'],
    processors: ['memory_limiter', 'batch'],
    exporters: ['otlp_grpc'],
  });
  return {
    tierKind: 'AgentTier',
    name: 'otel-agent',
    mode: 'daemonset',
    labels: { 'app.kubernetes.io/name': 'otel-agent', 'app.kubernetes.io/part-of': 'otel-tiers' },
    selectorLabels: { 'app.kubernetes.io/name': 'otel-agent' },
    replicas: 1,
    collector: {
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      config,
      env: [
        { name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'GOMEMLIMIT', value: '400MiB' },
      ],
      ports: [
        { name: 'otlp-grpc', containerPort: 4317 },
        { name: 'otlp-http', containerPort: 4318 },
        { name: 'telemetry', containerPort: 8888 },
      ],
      volumeMounts: [
        { name: 'hostfs', mountPath: '/hostfs', readOnly: true, mountPropagation: 'HostToContainer' },
      ],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      securityContext,
      ...probes,
    },
    sidecars: [
      {
        name: 'podtail',
        image: 'ghcr.io/otel-tiers/podtail:0.1.0',
        imagePullPolicy: 'IfNotPresent',
        args: ['--config', '/etc/podtail/podtail.yaml'],
        env: [{ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        ports: [{ name: 'podtail-metrics', containerPort: 9464 }],
        volumeMounts: [
          { name: 'varlogpods', mountPath: '/var/log/pods', readOnly: true },
          { name: 'podtail-cursors', mountPath: '/var/lib/podtail' },
          { name: 'podtail-config', mountPath: '/etc/podtail', readOnly: true },
        ],
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        securityContext,
        readinessProbe: { httpGet: { path: '/readyz', port: 9464 } },
      },
    ],
    volumes: [
      { name: 'hostfs', hostPath: { path: '/', type: 'Directory' } },
      { name: 'varlogpods', hostPath: { path: '/var/log/pods', type: 'Directory' } },
      { name: 'podtail-cursors', hostPath: { path: '/var/lib/podtail', type: 'DirectoryOrCreate' } },
      { name: 'podtail-config', configMap: { name: 'otel-agent-podtail' } },
    ],
    configMaps: [{ name: 'otel-agent-podtail', data: { 'podtail.yaml': 'nodeName: ${K8S_NODE_NAME}\n' } }],
    services: [
      {
        name: 'otel-agent',
        internalTrafficPolicy: 'Local',
        ports: [{ name: 'otlp-grpc', port: 4317, targetPort: 4317 }],
      },
    ],
    identity: {
      serviceAccountName: 'otel-agent',
      clusterRules: [{ apiGroups: [''], resources: ['nodes/stats'], verbs: ['get'] }],
      namespaceRules: [],
    },
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    tolerations: [{ operator: 'Exists' }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    priorityClassName: 'system-node-critical',
    terminationGracePeriodSeconds: 30,
    podAnnotations: { 'otel-tiers.io/config-hash': 'abc123' },
  };
}

/** A gateway: StatefulSet with HPA, PDB and a Target Allocator. */
export function gatewayModel(): CollectorWorkloadModel {
  const config = baseConfig();
  config.addReceiver(Receivers.otlp());
  config.addReceiver(
    Receivers.prometheus({
      targetAllocator: { endpoint: 'http://otel-gateway-targetallocator:80' },
    }),
  );
  config.addExporter(Exporters.otlphttp({ endpoint: 'https://otlp.example.com' }));
  config.setPipeline('metrics', {
    receivers: ['otlp', 'prometheus'],
    processors: ['memory_limiter', 'batch'],
    exporters: ['otlp_http'],
  });
  const scrapeConfigs = [
    {
      job_name: 'kube-state-metrics',
      scrape_interval: '30s',
      static_configs: [{ targets: ['kube-state-metrics.kube-system.svc:8080'] }],
    },
  ];
  return {
    tierKind: 'GatewayTier',
    name: 'otel-gateway',
    namespace: 'monitoring',
    mode: 'statefulset',
    labels: { 'app.kubernetes.io/name': 'otel-gateway' },
    selectorLabels: { 'app.kubernetes.io/name': 'otel-gateway' },
    replicas: 2,
    collector: {
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      config,
      env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      ports: [
        { name: 'otlp-grpc', containerPort: 4317 },
        { name: 'telemetry', containerPort: 8888 },
      ],
      volumeMounts: [],
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
      securityContext,
      ...probes,
    },
    sidecars: [],
    volumes: [],
    configMaps: [],
    services: [
      { name: 'otel-gateway', ports: [{ name: 'otlp-grpc', port: 4317, targetPort: 4317 }] },
      {
        name: 'otel-gateway-headless',
        headless: true,
        ports: [{ name: 'otlp-grpc', port: 4317, targetPort: 4317 }],
      },
    ],
    identity: {
      serviceAccountName: 'otel-gateway',
      clusterRules: [
        { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
      ],
      namespaceRules: [],
    },
    podSecurityContext: { runAsNonRoot: true },
    tolerations: [],
    nodeSelector: {},
    terminationGracePeriodSeconds: 60,
    autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70, targetMemoryUtilization: 80 },
    disruptionBudget: { minAvailable: 1 },
    targetAllocator: {
      name: 'otel-gateway-targetallocator',
      image: 'ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:0.138.0',
      replicas: 1,
      allocationStrategy: 'consistent-hashing',
      filterStrategy: 'relabel-config',
      scrapeConfigs,
      collectorSelector: { 'app.kubernetes.io/name': 'otel-gateway' },
      prometheusCR: true,
      resources: { requests: { cpu: '50m', memory: '128Mi' } },
      identity: {
        serviceAccountName: 'otel-gateway-targetallocator',
        clusterRules: [
          {
            apiGroups: [''],
            resources: ['pods', 'services', 'endpoints', 'nodes', 'namespaces'],
            verbs: ['get', 'list', 'watch'],
          },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
          {
            apiGroups: ['monitoring.coreos.com'],
            resources: ['servicemonitors', 'podmonitors', 'scrapeconfigs', 'probes'],
            verbs: ['get', 'list', 'watch'],
          },
        ],
        namespaceRules: [],
      },
      port: 8080,
    },
    podAnnotations: {},
  };
}

/** A cluster agent: Deployment, one replica, namespace-scoped lease RBAC. */
export function clusterAgentModel(): CollectorWorkloadModel {
  const config = baseConfig();
  config.addReceiver(Receivers.otlp());
  config.addExporter(Exporters.otlp({ endpoint: 'otel-gateway.monitoring.svc:4317' }));
  config.setPipeline('logs', {
    receivers: ['otlp'],
    processors: ['memory_limiter', 'batch'],
    exporters: ['otlp_grpc'],
  });
  return {
    tierKind: 'ClusterAgentTier',
    name: 'otel-cluster-agent',
    mode: 'deployment',
    labels: { 'app.kubernetes.io/name': 'otel-cluster-agent' },
    selectorLabels: { 'app.kubernetes.io/name': 'otel-cluster-agent' },
    replicas: 1,
    collector: {
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      config,
      env: [],
      ports: [{ name: 'telemetry', containerPort: 8888 }],
      volumeMounts: [],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      securityContext,
      ...probes,
    },
    sidecars: [],
    volumes: [],
    configMaps: [],
    services: [],
    identity: {
      serviceAccountName: 'otel-cluster-agent',
      clusterRules: [
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['get', 'list', 'watch'] },
      ],
      namespaceRules: [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      ],
    },
    podSecurityContext: { runAsNonRoot: true },
    tolerations: [],
    nodeSelector: {},
    terminationGracePeriodSeconds: 30,
    podAnnotations: {},
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests are read back as untyped JSON */
import { Chart, Testing } from 'cdk8s';
import * as core from 'kubernetes-models/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { TierMonitors } from '../../../constructs/src/monitoring';
import { type CollectorWorkloadModel, Rendering } from '../../../constructs/src/model';
import { OperatorRenderer, operatorRendering } from '../../../constructs/src/operator';
import { crdValidator, describeErrors } from './crd-validator';
import { agentModel, clusterAgentModel, gatewayModel } from './fixture-models';

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
};

const validateCollector = crdValidator('opentelemetry.io_opentelemetrycollectors.yaml', 'v1beta1');

function render(model: CollectorWorkloadModel, renderer = new OperatorRenderer()): Manifest[] {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'monitoring' });
  renderer.render(chart, model);
  return Testing.synth(chart) as Manifest[];
}

function one(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (!name || m.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, got ${found.length}`);
  return found[0];
}

/** Validates core/RBAC objects with kubernetes-models' schemas (throws with the JSON path). */
function validateCore(m: Manifest): void {
  const ctor: Record<string, new (o: never) => { validate(): void }> = {
    ServiceAccount: core.ServiceAccount,
    Service: core.Service,
    ConfigMap: core.ConfigMap,
    ClusterRole: rbac.ClusterRole,
    ClusterRoleBinding: rbac.ClusterRoleBinding,
    Role: rbac.Role,
    RoleBinding: rbac.RoleBinding,
  } as never;
  const C = ctor[m.kind];
  if (!C) throw new Error(`no core validator for ${m.kind}`);
  new C(m as never).validate();
}

describe('OperatorRenderer', () => {
  const cases: [string, () => CollectorWorkloadModel][] = [
    ['agent', agentModel],
    ['gateway', gatewayModel],
    ['cluster agent', clusterAgentModel],
  ];

  test.each(cases)(
    '%s: every OpenTelemetryCollector validates against the v1beta1 CRD schema',
    (_, model) => {
      const manifests = render(model());
      const crs = manifests.filter((m) => m.kind === 'OpenTelemetryCollector');
      expect(crs).toHaveLength(1);
      for (const cr of crs) {
        expect(cr.apiVersion).toBe('opentelemetry.io/v1beta1');
        if (!validateCollector(cr)) throw new Error(describeErrors(validateCollector.errors));
      }
      for (const m of manifests.filter((x) => x.kind !== 'OpenTelemetryCollector')) validateCore(m);
      expect(manifests).toMatchSnapshot('defaults');
    },
  );

  test('the schema check rejects what the API server would reject or prune', () => {
    const cr = one(render(agentModel()), 'OpenTelemetryCollector');
    const bad = (patch: (spec: Record<string, unknown>) => void) => {
      const copy = JSON.parse(JSON.stringify(cr)) as Manifest;
      patch(copy.spec as Record<string, unknown>);
      return validateCollector(copy);
    };
    expect(bad((s) => (s.mode = 'replicaset'))).toBe(false);
    expect(bad((s) => (s.hostPid = true))).toBe(false); // would be pruned: the field is hostPID
    expect(bad((s) => delete s.config)).toBe(false);
    expect(bad((s) => ((s.config as Record<string, unknown>).service = 'x'))).toBe(false);
    expect(bad(() => undefined)).toBe(true);
  });

  test('agent: daemonset with config, env, host volumes, tolerations, resources and podtail in additionalContainers', () => {
    const model = agentModel();
    const manifests = render(model);
    const spec = one(manifests, 'OpenTelemetryCollector', 'otel-agent').spec as Record<string, any>;
    expect(spec.mode).toBe('daemonset');
    expect(spec.replicas).toBeUndefined();
    expect(spec.image).toBe('otel/opentelemetry-collector-contrib:0.158.0');
    expect(spec.config).toEqual(model.collector.config.toJson());
    expect(spec.env).toEqual(model.collector.env);
    expect(spec.volumes).toEqual(model.volumes);
    expect(spec.volumeMounts).toEqual(model.collector.volumeMounts);
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.resources).toEqual(model.collector.resources);
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.podAnnotations).toEqual({ 'otel-tiers.io/config-hash': 'abc123' });
    expect(spec.serviceAccount).toBe('otel-agent');
    expect(spec.upgradeStrategy).toBe('none');
    // Probe handlers come from the health_check extension; only timings are carried.
    expect(spec.livenessProbe).toEqual({ initialDelaySeconds: 5, periodSeconds: 10 });
    expect(spec.additionalContainers).toEqual([
      expect.objectContaining({ name: 'podtail', args: ['--config', '/etc/podtail/podtail.yaml'] }),
    ]);
    expect(spec.targetAllocator).toBeUndefined();
    // podtail's ConfigMap and the stable agent Service are rendered beside the CR.
    expect(one(manifests, 'ConfigMap', 'otel-agent-podtail').data).toEqual({
      'podtail.yaml': 'nodeName: ${K8S_NODE_NAME}\n',
    });
    const svc = one(manifests, 'Service', 'otel-agent').spec as Record<string, any>;
    expect(svc.internalTrafficPolicy).toBe('Local');
    expect(svc.selector).toEqual({
      'app.kubernetes.io/component': 'opentelemetry-collector',
      'app.kubernetes.io/instance': 'monitoring.otel-agent',
      'app.kubernetes.io/managed-by': 'opentelemetry-operator',
      'app.kubernetes.io/part-of': 'opentelemetry',
    });
  });

  test('agent: the RBAC the operator does not create, cluster-scoped without a namespace', () => {
    const manifests = render(agentModel());
    const role = one(manifests, 'ClusterRole');
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes/stats'], verbs: ['get'] }]);
    const binding = one(manifests, 'ClusterRoleBinding');
    expect(binding.metadata.namespace).toBeUndefined();
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: role.metadata.name,
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'otel-agent', namespace: 'monitoring' },
    ]);
    expect(one(manifests, 'ServiceAccount', 'otel-agent').metadata.namespace).toBe('monitoring');
  });

  test('gateway: statefulset, autoscaler, PDB and targetAllocator with its own RBAC; prometheus receiver left to the operator', () => {
    const model = gatewayModel();
    const manifests = render(model);
    const spec = one(manifests, 'OpenTelemetryCollector', 'otel-gateway').spec as Record<string, any>;
    expect(spec.mode).toBe('statefulset');
    expect(spec.replicas).toBeUndefined(); // the autoscaler owns replicas
    expect(spec.autoscaler).toEqual({
      minReplicas: 2,
      maxReplicas: 6,
      targetCPUUtilization: 70,
      targetMemoryUtilization: 80,
    });
    expect(spec.podDisruptionBudget).toEqual({ minAvailable: 1 });
    expect(spec.targetAllocator).toEqual({
      enabled: true,
      image: model.targetAllocator!.image,
      replicas: 1,
      allocationStrategy: 'consistent-hashing',
      filterStrategy: 'relabel-config',
      serviceAccount: 'otel-gateway-targetallocator',
      resources: { requests: { cpu: '50m', memory: '128Mi' } },
      securityContext: expect.objectContaining({ runAsNonRoot: true, runAsUser: 65532 }),
      podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      prometheusCR: { enabled: true },
    });
    const prom = spec.config.receivers.prometheus;
    expect(prom.target_allocator).toBeUndefined();
    expect(prom.config.scrape_configs).toEqual(model.targetAllocator!.scrapeConfigs);
    // The model itself is not changed by rendering.
    expect((model.collector.config.toJson().receivers as any).prometheus.target_allocator).toBeDefined();
    const sas = manifests
      .filter((m) => m.kind === 'ServiceAccount')
      .map((m) => m.metadata.name)
      .sort();
    expect(sas).toEqual(['otel-gateway', 'otel-gateway-targetallocator']);
    const taRole = one(manifests, 'ClusterRole', 'monitoring-otel-gateway-targetallocator');
    expect(JSON.stringify(taRole.rules)).toContain('servicemonitors');
    const headless = one(manifests, 'Service', 'otel-gateway-headless').spec as Record<string, any>;
    expect(headless.clusterIP).toBe('None');
  });

  test('cluster agent: deployment with fixed replicas and a namespaced Role', () => {
    const manifests = render(clusterAgentModel());
    const spec = one(manifests, 'OpenTelemetryCollector', 'otel-cluster-agent').spec as Record<string, any>;
    expect(spec.mode).toBe('deployment');
    expect(spec.replicas).toBe(1);
    expect(one(manifests, 'Role', 'otel-cluster-agent').metadata.namespace).toBe('monitoring');
    expect(one(manifests, 'RoleBinding', 'otel-cluster-agent').roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'otel-cluster-agent',
    });
    expect(manifests.some((m) => m.kind === 'Service')).toBe(false);
  });

  test('refuses a Target Allocator on a deployment, and a mount without a volume, saying what to change', () => {
    const deploymentWithTa = { ...gatewayModel(), mode: 'deployment' as const };
    expect(() => render(deploymentWithTa)).toThrow(
      /only for mode statefulset or daemonset, not 'deployment'; use a StatefulSet gateway/,
    );
    const agent = agentModel();
    const noVolume = { ...agent, volumes: agent.volumes.filter((v) => v.name !== 'hostfs') };
    expect(() => render(noVolume)).toThrow(/volumeMount 'hostfs' at \/hostfs has no volume in the model/);
  });

  test('options: upgradeStrategy, managementState, labels, stableServices; bad options name the key', () => {
    const manifests = render(
      agentModel(),
      new OperatorRenderer({
        upgradeStrategy: 'automatic',
        managementState: 'unmanaged',
        stableServices: false,
        labels: { team: 'obs' },
      }),
    );
    const cr = one(manifests, 'OpenTelemetryCollector');
    expect(cr.spec!.upgradeStrategy).toBe('automatic');
    expect(cr.spec!.managementState).toBe('unmanaged');
    expect(cr.metadata.labels!.team).toBe('obs');
    expect(manifests.some((m) => m.kind === 'Service')).toBe(false);
    if (!validateCollector(cr)) throw new Error(describeErrors(validateCollector.errors));
    expect(() => new OperatorRenderer({ upgradeStrategy: 'sometimes' as never })).toThrow(
      /OperatorRenderer: props.upgradeStrategy = "sometimes": must be 'automatic' or 'none'/,
    );
    expect(() => new OperatorRenderer({ stableService: false } as never)).toThrow(
      /OperatorRenderer: props.stableService is not a prop \(did you mean stableServices\?\)/,
    );
  });

  test('Rendering.operator() and Rendering.named("operator") resolve to the operator renderer', () => {
    expect(Rendering.named('operator').renderer).toBeInstanceOf(OperatorRenderer);
    expect(operatorRendering({ stableServices: false }).renderer.name).toBe('operator');
  });

  test("TierMonitors select the pods the operator rendered, with the alert rules' job labels", () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'monitoring' });
    const model = gatewayModel();
    new OperatorRenderer().render(chart, model);
    new TierMonitors().apply(chart, {
      tierKind: 'GatewayTier',
      tierName: 'otel-gateway',
      model,
      config: model.collector.config,
    });
    const monitors = (Testing.synth(chart) as Manifest[]).filter((m) => m.kind === 'PodMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([
      'otel-gateway',
      'otel-gateway-targetallocator',
    ]);
    const collector = monitors.find((m) => m.metadata.name === 'otel-gateway')!.spec as Record<string, any>;
    expect(collector.selector.matchLabels['app.kubernetes.io/instance']).toBe('monitoring.otel-gateway');
    expect(collector.podMetricsEndpoints[0]).toMatchObject({
      port: 'metrics',
      relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'otel-gateway' }],
    });
    const ta = monitors.find((m) => m.metadata.name === 'otel-gateway-targetallocator')!.spec as Record<
      string,
      any
    >;
    expect(ta.selector.matchLabels['app.kubernetes.io/component']).toBe('opentelemetry-targetallocator');
    expect(ta.podMetricsEndpoints[0].relabelings[0].replacement).toBe('otel-target-allocator');
  });
});

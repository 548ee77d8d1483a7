import { parse } from 'yaml';
import { parseConfig } from 'podtail/config';
import { AgentTier, LogsSource, Receivers } from '../../../constructs/src';
import { readFileSync } from 'node:fs';
import { CLUSTER_SCOPED, find, synthValid } from '../kube-validate';
import { chart, GW, podSpec, type Json } from './helpers';

const podtailVersion = JSON.parse(readFileSync(require.resolve('podtail/package.json'), 'utf8'))
  .version as string;

function collectorConfig(objs: ReturnType<typeof synthValid>, name = 'otel-agent') {
  return parse((find(objs, 'ConfigMap', `${name}-config`).data as Record<string, string>)['collector.yaml']);
}

describe('AgentTier', () => {
  test('defaults: DaemonSet with podtail sidecar, valid objects, snapshot', () => {
    const c = chart();
    new AgentTier(c, 'agent', { gateway: GW });
    const objs = synthValid(c);
    expect(objs).toMatchSnapshot();
    const ds = find(objs, 'DaemonSet', 'otel-agent');
    const spec = podSpec(ds);
    expect(spec.containers.map((x) => x.name)).toEqual(['otel-collector', 'podtail']);
    for (const o of objs) {
      if (CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
      else expect(o.metadata.namespace).toBe('monitoring');
    }
  });

  test('podtail: config validated by podtail, image follows the package, mounts and security', () => {
    const c = chart();
    new AgentTier(c, 'agent', { gateway: GW });
    const objs = synthValid(c);
    const cm = find(objs, 'ConfigMap', 'otel-agent-podtail').data as Record<string, string>;
    const cfg = parseConfig(cm['config.yaml'], 'cm', { K8S_NODE_NAME: 'node-1' });
    expect(cfg.nodeName).toBe('node-1');
    expect(cfg.exporter).toMatchObject({ type: 'otlphttp', endpoint: 'http://localhost:4318' });
    expect(cfg.containerd).toMatchObject({ enabled: true, socket: '/run/containerd/containerd.sock' });
    expect(cfg.cursors.directory).toBe('/var/lib/podtail/cursors');
    const spec = podSpec(find(objs, 'DaemonSet', 'otel-agent'));
    const podtail = spec.containers.find((x) => x.name === 'podtail')!;
    expect(podtail.image).toBe(`ghcr.io/otel-tiers/podtail:${podtailVersion}`);
    expect(podtail.args).toEqual(['run', '--config', '/etc/podtail/config.yaml']);
    expect(podtail.env).toContainEqual({
      name: 'K8S_NODE_NAME',
      valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });
    expect(podtail.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'varlogpods', mountPath: '/var/log/pods', readOnly: true },
        { name: 'podtail-state', mountPath: '/var/lib/podtail', readOnly: false },
        { name: 'containerd-sock', mountPath: '/run/containerd/containerd.sock', readOnly: true },
      ]),
    );
    expect(spec.volumes).toEqual(
      expect.arrayContaining([
        { name: 'varlogpods', hostPath: { path: '/var/log/pods', type: 'Directory' } },
        { name: 'podtail-state', hostPath: { path: '/var/lib/podtail', type: 'DirectoryOrCreate' } },
        { name: 'containerd-sock', hostPath: { path: '/run/containerd/containerd.sock', type: 'Socket' } },
        { name: 'hostfs', hostPath: { path: '/' } },
      ]),
    );
    expect(podtail.securityContext).toMatchObject({
      runAsUser: 0,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] },
    });
    // The collector itself stays non-root in podtail mode.
    const collector = spec.containers.find((x) => x.name === 'otel-collector')!;
    expect(collector.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      capabilities: { drop: ['ALL'] },
    });
    // RBAC: pods list/watch and replicasets for podtail; nodes/stats for kubeletstats.
    const rules = find(objs, 'ClusterRole', 'monitoring-otel-agent').rules as Array<Record<string, string[]>>;
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] });
    expect(rules).toContainEqual({
      apiGroups: ['apps'],
      resources: ['replicasets'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(rules).toContainEqual({
      apiGroups: [''],
      resources: ['nodes', 'nodes/metrics', 'nodes/stats'],
      verbs: ['get'],
    });
    expect(JSON.stringify(rules)).not.toContain('*');
  });

  test('podtail settings podtail would reject fail the synth, naming the tier and the key', () => {
    const c = chart();
    new AgentTier(c, 'agent', {
      gateway: GW,
      logs: LogsSource.podtail({ settings: { source: { maxOpenFiles: 0 } } }),
    });
    expect(() => synthValid(c)).toThrow(
      /AgentTier 'otel-agent': the podtail config would be rejected by podtail.*\n.*source.maxOpenFiles/,
    );
  });

  test('typed podtail sections reach the config (limits, training, kubernetes ownerLookup drops replicaset RBAC)', () => {
    const c = chart();
    new AgentTier(c, 'agent', {
      gateway: GW,
      logs: LogsSource.podtail({
        settings: { limits: { enabled: true, recordsPerSecond: 100 }, kubernetes: { ownerLookup: 'name' } },
        containerd: false,
      }),
    });
    const objs = synthValid(c);
    const cfg = parse(
      (find(objs, 'ConfigMap', 'otel-agent-podtail').data as Record<string, string>)['config.yaml'],
    );
    expect(cfg.limits).toEqual({ enabled: true, recordsPerSecond: 100 });
    expect(cfg.containerd.enabled).toBe(false);
    const spec = podSpec(find(objs, 'DaemonSet', 'otel-agent'));
    expect(spec.volumes.map((v) => v.name)).not.toContain('containerd-sock');
    const rules = find(objs, 'ClusterRole', 'monitoring-otel-agent').rules as Array<Record<string, string[]>>;
    expect(rules.some((r) => r.resources?.includes('replicasets'))).toBe(false);
  });

  test('filelog: container parser, file_storage checkpoints on a DirectoryOrCreate hostPath, root with DAC_READ_SEARCH only', () => {
    const c = chart();
    new AgentTier(c, 'agent', { gateway: GW, logs: LogsSource.filelog() });
    const objs = synthValid(c);
    const cfg = collectorConfig(objs);
    expect(cfg.receivers.filelog).toMatchObject({
      include: ['/var/log/pods/*/*/*.log'],
      storage: 'file_storage/checkpoints',
      operators: [{ type: 'container', id: 'container-parser' }],
    });
    expect(cfg.extensions['file_storage/checkpoints']).toMatchObject({
      directory: '/var/lib/otelcol/file_storage',
    });
    expect(cfg.service.extensions).toContain('file_storage/checkpoints');
    const spec = podSpec(find(objs, 'DaemonSet', 'otel-agent'));
    expect(spec.containers.map((x) => x.name)).toEqual(['otel-collector']);
    const col = spec.containers[0];
    expect(col.securityContext).toMatchObject({
      runAsUser: 0,
      runAsNonRoot: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] },
    });
    expect(spec.volumes).toContainEqual({
      name: 'state-checkpoints',
      hostPath: { path: '/var/lib/otelcol/file_storage', type: 'DirectoryOrCreate' },
    });
    expect(col.volumeMounts).toContainEqual({
      name: 'state-checkpoints',
      mountPath: '/var/lib/otelcol/file_storage',
      readOnly: false,
    });
    expect(col.volumeMounts).toContainEqual({
      name: 'varlogpods',
      mountPath: '/var/log/pods',
      readOnly: true,
    });
  });

  test('hostmetrics on /hostfs read-only with HostToContainer; kubeletstats; node-local scrapes; identity env', () => {
    const c = chart();
    new AgentTier(c, 'agent', { gateway: GW });
    const objs = synthValid(c);
    const cfg = collectorConfig(objs);
    expect(cfg.receivers.hostmetrics).toMatchObject({ root_path: '/hostfs' });
    expect(cfg.receivers.kubelet_stats).toMatchObject({
      auth_type: 'serviceAccount',
      endpoint: 'https://${env:K8S_NODE_IP}:10250',
    });
    const jobs = cfg.receivers['prometheus/node'].config.scrape_configs;
    expect(jobs.map((j: { job_name: string }) => j.job_name)).toEqual([
      'kubelet',
      'cadvisor',
      'node-exporter',
    ]);
    expect(jobs[0].static_configs[0].targets).toEqual(['${env:K8S_NODE_IP}:10250']);
    expect(jobs[2].kubernetes_sd_configs[0].selectors[0].field).toBe('spec.nodeName=${env:K8S_NODE_NAME}');
    expect(cfg.exporters['otlp_grpc/gateway']).toMatchObject({
      endpoint: GW.otlpGrpcEndpoint,
      tls: { insecure: true },
    });
    expect(cfg.processors.resource_detection.detectors).toEqual(['env', 'k8snode']);
    const col = podSpec(find(objs, 'DaemonSet', 'otel-agent')).containers[0];
    expect(col.volumeMounts).toContainEqual({
      name: 'hostfs',
      mountPath: '/hostfs',
      readOnly: true,
      mountPropagation: 'HostToContainer',
    });
    const env = Object.fromEntries(
      (
        col.env as Array<{ name: string; valueFrom?: { fieldRef?: { fieldPath: string } }; value?: string }>
      ).map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath ?? e.value]),
    );
    expect(env).toMatchObject({
      K8S_NODE_NAME: 'spec.nodeName',
      K8S_NODE_IP: 'status.hostIP',
      K8S_POD_IP: 'status.podIP',
      GOMEMLIMIT: '409MiB',
    });
    // Probes go to health_check.
    expect(col.livenessProbe.httpGet).toEqual({ path: '/', port: 13133 });
    expect(col.readinessProbe.httpGet).toEqual({ path: '/', port: 13133 });
    // The OTLP Service keeps apps' traffic on their node.
    const svc = find(objs, 'Service', 'otel-agent').spec as Record<string, Json>;
    expect(svc.internalTrafficPolicy).toBe('Local');
    expect(svc.ports.map((p: { port: number }) => p.port)).toEqual([4317, 4318]);
  });

  test('disabling features removes their mounts and RBAC', () => {
    const c = chart();
    new AgentTier(c, 'agent', {
      gateway: GW,
      logs: LogsSource.none(),
      hostMetrics: false,
      kubeletStats: false,
      nodeScrapes: false,
    });
    const objs = synthValid(c);
    const spec = podSpec(find(objs, 'DaemonSet', 'otel-agent'));
    expect(spec.volumes.map((v) => v.name)).toEqual(['collector-config']);
    const rules = find(objs, 'ClusterRole', 'monitoring-otel-agent').rules;
    expect(rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
  });

  test('control-plane tolerations when asked', () => {
    const c = chart();
    new AgentTier(c, 'agent', { gateway: GW, controlPlane: true });
    const spec = podSpec(find(synthValid(c), 'DaemonSet', 'otel-agent'));
    expect(spec.tolerations).toContainEqual({
      key: 'node-role.kubernetes.io/control-plane',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    const c2 = chart();
    new AgentTier(c2, 'agent', { gateway: GW });
    expect(podSpec(find(synthValid(c2), 'DaemonSet', 'otel-agent')).tolerations).toBeUndefined();
  });

  test('escape hatch after construction: a user receiver is wired, rendered and validated', () => {
    const c = chart();
    const agent = new AgentTier(c, 'agent', { gateway: GW });
    agent.config.addReceiver(
      Receivers.otlp({ name: 'extra', grpcEndpoint: '0.0.0.0:5317', httpEndpoint: false }),
    );
    agent.config.extendPipeline('traces', { receivers: ['otlp/extra'] });
    const objs = synthValid(c);
    const col = podSpec(find(objs, 'DaemonSet', 'otel-agent')).containers[0];
    expect(col.ports).toContainEqual({ name: 'otlp-extra-grpc', containerPort: 5317, protocol: 'TCP' });

    const bad = chart();
    const a2 = new AgentTier(bad, 'agent', { gateway: GW });
    a2.config.addReceiver(Receivers.otlp({ name: 'unused', grpcEndpoint: '0.0.0.0:5317' }));
    expect(() => synthValid(bad)).toThrow(
      /AgentTier 'otel-agent': receiver 'otlp\/unused' is defined but no pipeline uses it/,
    );
  });

  test('images must be pinned; resources need a memory limit', () => {
    expect(() => {
      const c = chart();
      new AgentTier(c, 'agent', { gateway: GW, image: 'otel/opentelemetry-collector-contrib:latest' });
      synthValid(c);
    }).toThrow(
      /AgentTier 'agent': props.image = "otel\/opentelemetry-collector-contrib:latest": is not pinned/,
    );
    expect(() => {
      const c = chart();
      new AgentTier(c, 'agent', { gateway: GW, resources: { requests: { cpu: '1', memory: '1Gi' } } });
      synthValid(c);
    }).toThrow(
      /AgentTier 'agent': props.resources.limits.memory = undefined: is not set; set a memory limit/,
    );
  });

  test('a namespace is required', () => {
    expect(() => new AgentTier(chart(''), 'agent', { gateway: GW })).toThrow(
      /has no namespace; set the namespace prop or the chart's namespace/,
    );
  });
});

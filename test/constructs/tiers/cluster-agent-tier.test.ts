import { parse } from 'yaml';
import { ClusterAgentTier } from '../../../constructs/src';
import { find, synthValid } from '../kube-validate';
import { chart, GW } from './helpers';

function config(objs: ReturnType<typeof synthValid>) {
  return parse(
    (find(objs, 'ConfigMap', 'otel-cluster-agent-config').data as Record<string, string>)['collector.yaml'],
  );
}

describe('ClusterAgentTier', () => {
  test('defaults: one replica, k8s_objects events and k8s_cluster metrics to the gateway; snapshot', () => {
    const c = chart();
    new ClusterAgentTier(c, 'cluster-agent', { gateway: GW });
    const objs = synthValid(c);
    expect(objs).toMatchSnapshot();
    expect((find(objs, 'Deployment', 'otel-cluster-agent').spec as Record<string, unknown>).replicas).toBe(1);
    const cfg = config(objs);
    expect(cfg.receivers.k8s_objects).toEqual({
      auth_type: 'serviceAccount',
      objects: [{ name: 'events', mode: 'watch', group: 'events.k8s.io' }],
    });
    expect(cfg.receivers.k8s_cluster).toMatchObject({
      auth_type: 'serviceAccount',
      collection_interval: '30s',
    });
    expect(cfg.extensions.k8s_leader_elector).toBeUndefined();
    expect(objs.some((o) => o.kind === 'Service' || o.kind === 'Role')).toBe(false);
    const rules = find(objs, 'ClusterRole', 'monitoring-otel-cluster-agent').rules as Array<
      Record<string, string[]>
    >;
    expect(rules).toContainEqual({
      apiGroups: ['events.k8s.io'],
      resources: ['events'],
      verbs: ['get', 'list', 'watch'],
    });
  });

  test('several replicas: k8s_leader_elector wired to each receiver, leases Role, PDB', () => {
    const c = chart();
    new ClusterAgentTier(c, 'cluster-agent', { gateway: GW, replicas: 2, events: 'k8s_events' });
    const objs = synthValid(c);
    const cfg = config(objs);
    expect(cfg.extensions.k8s_leader_elector).toMatchObject({
      auth_type: 'serviceAccount',
      lease_name: 'otel-cluster-agent-leader',
      lease_namespace: '${env:POD_NAMESPACE}',
    });
    expect(cfg.service.extensions).toEqual(['health_check', 'k8s_leader_elector']);
    expect(cfg.receivers.k8s_events.k8s_leader_elector).toBe('k8s_leader_elector');
    expect(cfg.receivers.k8s_cluster.k8s_leader_elector).toBe('k8s_leader_elector');
    expect(find(objs, 'Role', 'otel-cluster-agent').rules).toEqual([
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'],
      },
    ]);
    expect(find(objs, 'RoleBinding', 'otel-cluster-agent')).toMatchObject({
      subjects: [{ kind: 'ServiceAccount', name: 'otel-cluster-agent', namespace: 'monitoring' }],
    });
    expect(find(objs, 'PodDisruptionBudget', 'otel-cluster-agent').spec).toMatchObject({ maxUnavailable: 1 });
  });

  test('nothing enabled is a synth error naming the tier', () => {
    const c = chart();
    new ClusterAgentTier(c, 'cluster-agent', { gateway: GW, events: false, clusterMetrics: false });
    expect(() => synthValid(c)).toThrow(
      /ClusterAgentTier 'otel-cluster-agent': the collector has no pipelines/,
    );
    expect(() => new ClusterAgentTier(chart(), 'x', { gateway: GW, replicas: 0 })).toThrow(
      /ClusterAgentTier 'x': props.replicas = 0: must be at least 1; use 1, or 2\+ for leader-elected HA/,
    );
  });
});

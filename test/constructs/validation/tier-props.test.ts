import {
  AgentTier,
  Backend,
  ClusterAgentTier,
  GatewayTier,
  LogsSource,
  PropsError,
  type AgentTierProps,
  type ClusterAgentTierProps,
  type GatewayTierProps,
} from '../../../constructs/src';
import { find, synthValid } from '../kube-validate';
import { BACKENDS, chart, GW, podSpec, SCRAPES, type Json } from '../tiers/helpers';

// TypeScript rejects most of these at compile time; the casts stand for JavaScript callers and
// values computed at run time, which the constructors check with zod.
const gateway = (props: Record<string, unknown>) =>
  new GatewayTier(chart(), 'gateway', { backends: BACKENDS, ...props } as unknown as GatewayTierProps);
const agent = (props: Record<string, unknown>) =>
  new AgentTier(chart(), 'agent', { gateway: GW, ...props } as unknown as AgentTierProps);
const clusterAgent = (props: Record<string, unknown>) =>
  new ClusterAgentTier(chart(), 'cluster-agent', {
    gateway: GW,
    ...props,
  } as unknown as ClusterAgentTierProps);

/** The problems of a failed construction, one per line. */
function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PropsError);
    return [...(e as PropsError).problems];
  }
  throw new Error('expected a PropsError, nothing was thrown');
}

describe('tier props are validated in the constructor', () => {
  test('unknown props on every tier name the tier, the prop and the closest known prop', () => {
    expect(problems(() => gateway({ replicass: 3 }))).toEqual([
      "GatewayTier 'gateway': props.replicass is not a prop (did you mean replicas?)",
    ]);
    expect(problems(() => agent({ controlPlan: true }))).toEqual([
      "AgentTier 'agent': props.controlPlan is not a prop (did you mean controlPlane?)",
    ]);
    expect(problems(() => agent({ hostMetric: false }))).toEqual([
      "AgentTier 'agent': props.hostMetric is not a prop (did you mean hostMetrics?)",
    ]);
    expect(problems(() => clusterAgent({ event: false }))).toEqual([
      "ClusterAgentTier 'cluster-agent': props.event is not a prop (did you mean events?)",
    ]);
    // Nothing close: the known props are listed instead.
    const [far] = problems(() => clusterAgent({ zzzzzzzzzz: 1 }));
    expect(far).toMatch(/props.zzzzzzzzzz is not a prop \(known: .*gateway.*replicas/);
    // Nested objects are strict too.
    expect(problems(() => agent({ nodeScrapes: { kubelets: false } }))).toEqual([
      "AgentTier 'agent': props.nodeScrapes.kubelets is not a key of props.nodeScrapes (did you mean kubelet?)",
    ]);
    expect(
      problems(() => gateway({ autoscaling: { minReplicas: 2, maxReplicas: 4, targetCPU: 50 } })),
    ).toEqual([
      "GatewayTier 'gateway': props.autoscaling.targetCPU is not a key of props.autoscaling (did you mean targetCpuUtilization?)",
    ]);
  });

  test('GatewayTier replicas with autoscaling on is an error; with autoscaling off it sets the count', () => {
    expect(problems(() => gateway({ replicas: 3 }))).toEqual([
      expect.stringMatching(
        /^GatewayTier 'gateway': props.replicas = 3: has no effect while autoscaling is on .*autoscaling: \{ minReplicas: 3, .*autoscaling: false for a fixed count$/,
      ),
    ]);
    const c = chart();
    new GatewayTier(c, 'gateway', { backends: BACKENDS, replicas: 3, autoscaling: false });
    const objs = synthValid(c);
    expect((find(objs, 'Deployment', 'otel-gateway').spec as Json).replicas).toBe(3);
    expect(objs.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  test('replica counts must be whole numbers of at least 1', () => {
    expect(problems(() => gateway({ replicas: 1.5, autoscaling: false }))).toEqual([
      "GatewayTier 'gateway': props.replicas = 1.5: must be a whole number; e.g. replicas: 2",
    ]);
    expect(problems(() => gateway({ replicas: '2', autoscaling: false }))).toEqual([
      `GatewayTier 'gateway': props.replicas = "2": must be a whole number; e.g. replicas: 2`,
    ]);
    expect(problems(() => clusterAgent({ replicas: 2.5 }))[0]).toMatch(
      /ClusterAgentTier 'cluster-agent': props.replicas = 2.5: must be a whole number; use 1, or 2\+ for leader-elected HA/,
    );
    expect(problems(() => gateway({ autoscaling: { minReplicas: 0, maxReplicas: 3 } }))).toEqual([
      "GatewayTier 'gateway': props.autoscaling.minReplicas = 0: must be at least 1; e.g. minReplicas: 2",
    ]);
  });

  test('a PodDisruptionBudget with maxUnavailable 0 is refused unless explicitly allowed', () => {
    expect(problems(() => gateway({ maxUnavailable: 0 }))).toEqual([
      expect.stringMatching(
        /^GatewayTier 'gateway': props.maxUnavailable = 0: a PodDisruptionBudget with maxUnavailable 0 blocks every node drain; .*allowBlockingDisruptionBudget: true/,
      ),
    ]);
    expect(problems(() => gateway({ maxUnavailable: -1 }))[0]).toMatch(
      /props.maxUnavailable = -1: must be 0 or more, or false for no PodDisruptionBudget/,
    );
    const c = chart();
    new GatewayTier(c, 'gateway', {
      backends: BACKENDS,
      maxUnavailable: 0,
      allowBlockingDisruptionBudget: true,
    });
    expect(find(synthValid(c), 'PodDisruptionBudget', 'otel-gateway').spec).toMatchObject({
      maxUnavailable: 0,
    });
  });

  test('targetAllocator options are checked, and refused without cluster scrapes', () => {
    expect(
      problems(() =>
        gateway({ clusterScrapes: SCRAPES, targetAllocator: { replicas: 0, allocationStrategy: 'bogus' } }),
      ),
    ).toEqual([
      "GatewayTier 'gateway': props.targetAllocator.replicas = 0: must be at least 1; the Target Allocator needs at least 1 replica",
      `GatewayTier 'gateway': props.targetAllocator.allocationStrategy = "bogus": must be 'consistent-hashing', 'least-weighted' or 'per-node'`,
    ]);
    expect(problems(() => gateway({ targetAllocator: { replicas: 2 } }))).toEqual([
      expect.stringMatching(
        /^GatewayTier 'gateway': props.targetAllocator = \{"replicas":2\}: has no effect without clusterScrapes/,
      ),
    ]);
    expect(
      problems(() => gateway({ clusterScrapes: SCRAPES, targetAllocator: { interval: 'often' } }))[0],
    ).toMatch(/props.targetAllocator.interval = "often": must be a duration such as 30s/);
    const c = chart();
    new GatewayTier(c, 'gateway', {
      backends: BACKENDS,
      clusterScrapes: SCRAPES,
      targetAllocator: { replicas: 2, allocationStrategy: 'least-weighted' },
    });
    const objs = synthValid(c);
    expect((find(objs, 'Deployment', 'otel-gateway-targetallocator').spec as Json).replicas).toBe(2);
    expect(
      (find(objs, 'ConfigMap', 'otel-gateway-targetallocator').data as Record<string, string>)[
        'targetallocator.yaml'
      ],
    ).toContain('allocation_strategy: least-weighted');
  });

  test('signals must be logs, metrics or traces, and the error names signals', () => {
    expect(problems(() => gateway({ signals: ['logz'] }))).toEqual([
      `GatewayTier 'gateway': props.signals[0] = "logz": must be 'logs', 'metrics' or 'traces'`,
    ]);
    expect(problems(() => gateway({ signals: [] }))[0]).toMatch(
      /props.signals = \[\]: must list at least one signal/,
    );
    expect(problems(() => gateway({ signals: ['logs', 'logs'] }))[0]).toMatch(
      /props.signals = \["logs","logs"\]: must not repeat/,
    );
  });

  test('autoscaling takes targetMemoryUtilization as a percentage; out of range values are refused', () => {
    expect(
      problems(() =>
        gateway({ autoscaling: { minReplicas: 2, maxReplicas: 4, targetMemoryUtilization: 150 } }),
      ),
    ).toEqual([
      "GatewayTier 'gateway': props.autoscaling.targetMemoryUtilization = 150: must be a whole percentage from 1 to 100 (average memory utilisation the HPA keeps)",
    ]);
    expect(problems(() => gateway({ autoscaling: true }))[0]).toMatch(
      /props.autoscaling = true: must be false \(fixed replicas\) or \{ minReplicas, maxReplicas/,
    );
    const c = chart();
    new GatewayTier(c, 'gateway', {
      backends: BACKENDS,
      autoscaling: { minReplicas: 2, maxReplicas: 4, targetMemoryUtilization: 80 },
    });
    const hpa = find(synthValid(c), 'HorizontalPodAutoscaler', 'otel-gateway').spec as Json;
    expect(hpa.metrics).toContainEqual({
      type: 'Resource',
      resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } },
    });
  });

  test('images are pinned by a version tag or a full sha256 digest', () => {
    expect(problems(() => agent({ image: 'otel/x@sha256:abc' }))).toEqual([
      expect.stringMatching(
        /^AgentTier 'agent': props.image = "otel\/x@sha256:abc": has digest 'sha256:abc', which is not 'sha256:' and 64 lowercase hex digits/,
      ),
    ]);
    expect(problems(() => agent({ image: 'otel/x' }))[0]).toMatch(/props.image = "otel\/x": is not pinned/);
    expect(
      problems(() => gateway({ clusterScrapes: SCRAPES, targetAllocator: { image: 'ta:latest' } }))[0],
    ).toMatch(/props.targetAllocator.image = "ta:latest": is not pinned/);
    const digest = `otel/opentelemetry-collector-contrib@sha256:${'a1'.repeat(32)}`;
    const c = chart();
    new AgentTier(c, 'agent', { gateway: GW, image: digest, logs: LogsSource.none() });
    expect(podSpec(find(synthValid(c), 'DaemonSet', 'otel-agent')).containers[0].image).toBe(digest);
  });

  test('common props: wrong types, labels, tolerations, log level, namespace, name', () => {
    expect(problems(() => agent({ gateway: 'otel-gateway:4317' }))).toEqual([
      `AgentTier 'agent': props.gateway = "otel-gateway:4317": must be a gateway: a GatewayTier or GatewayEndpoint.fromAddress('host:4317')`,
    ]);
    expect(problems(() => agent({ logs: 'podtail' }))[0]).toMatch(
      /props.logs = "podtail": must be a LogsSource: LogsSource.podtail\(...\)/,
    );
    expect(problems(() => agent({ labels: { team: 'a b' } }))[0]).toMatch(
      /AgentTier 'agent': props.labels.team = "a b": must be a label value/,
    );
    expect(problems(() => agent({ tolerations: [{ key: 'gpu', effect: 'NoSchedul' }] }))[0]).toMatch(
      /props.tolerations\[0\].effect = "NoSchedul": must be 'NoSchedule', 'PreferNoSchedule' or 'NoExecute'/,
    );
    expect(problems(() => clusterAgent({ logLevel: 'verbose' }))[0]).toMatch(
      /props.logLevel = "verbose": must be 'debug', 'info', 'warn' or 'error'/,
    );
    expect(problems(() => clusterAgent({ events: 'all' }))[0]).toMatch(
      /props.events = "all": must be 'k8sobjects', 'k8s_events' or false/,
    );
    expect(problems(() => gateway({ namespace: 'Monitoring' }))[0]).toMatch(
      /props.namespace = "Monitoring": must be a DNS-1123 label/,
    );
    expect(problems(() => gateway({ name: 'Gateway' }))[0]).toMatch(
      /props.name = "Gateway": must be at most 42 lowercase letters/,
    );
    expect(problems(() => gateway({ backends: [{ name: 'x' }] }))[0]).toMatch(
      /props.backends\[0\] = \{"name":"x"\}: must be a Backend, e.g. Backend.otlp/,
    );
    expect(problems(() => gateway({ rendering: 'operator' }))[0]).toMatch(
      /props.rendering = "operator": must be a Rendering/,
    );
    expect(problems(() => agent({ resources: { limits: { memory: '1 GB' } } }))).toEqual(
      expect.arrayContaining([
        `AgentTier 'agent': props.resources.limits.memory = "1 GB": must be a memory quantity such as '512Mi' or '2Gi'`,
      ]),
    );
  });

  test('every problem is reported at once', () => {
    const all = problems(() => gateway({ replicass: 2, signals: ['logz'], maxUnavailable: 0 }));
    // Unknown keys and bad values together; the cross-prop checks run once the props parse.
    expect(all).toEqual([
      `GatewayTier 'gateway': props.signals[0] = "logz": must be 'logs', 'metrics' or 'traces'`,
      "GatewayTier 'gateway': props.replicass is not a prop (did you mean replicas?)",
    ]);
    const many = problems(() =>
      gateway({ signals: ['logz'], logLevel: 'loud', autoscaling: { minReplicas: 0, maxReplicas: 1 } }),
    );
    expect(many).toHaveLength(3);
  });

  test('the default props of each tier stay valid', () => {
    const c = chart();
    const gw = new GatewayTier(c, 'gateway', {
      backends: [Backend.otlp('a', { endpoint: 'a.example:4317' })],
    });
    new AgentTier(c, 'agent', { gateway: gw });
    new ClusterAgentTier(c, 'cluster-agent', { gateway: gw });
    expect(synthValid(c).length).toBeGreaterThan(10);
  });
});

import { App, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  GatewayTier,
  ReferenceStack,
  Rendering,
  type CollectorWorkloadModel,
  type ITierAddon,
  type TierInfo,
} from '../../../constructs/src';
import { CLUSTER_SCOPED, validateManifest, type Manifest } from '../kube-validate';

describe('ReferenceStack (the default stack)', () => {
  test('every object is valid Kubernetes; cluster-scoped objects carry no namespace; snapshot', () => {
    const stack = new ReferenceStack(Testing.app(), 'otel-tiers', { disableResourceNameHashes: true });
    const objs = Testing.synth(stack) as Manifest[];
    objs.forEach(validateManifest);
    expect(objs).toMatchSnapshot();
    for (const o of objs) {
      if (CLUSTER_SCOPED.has(o.kind)) expect(o.metadata.namespace).toBeUndefined();
      else expect(o.metadata.namespace).toBe('monitoring');
    }
    const kinds = objs.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace/monitoring',
        'DaemonSet/otel-agent',
        'StatefulSet/otel-gateway',
        'Deployment/otel-gateway-targetallocator',
        'Deployment/otel-cluster-agent',
        'HorizontalPodAutoscaler/otel-gateway',
        'PodDisruptionBudget/otel-gateway',
      ]),
    );
    expect(stack.agent.config.get('exporter', 'otlp_grpc/gateway')?.config.endpoint).toBe(
      'otel-gateway.monitoring.svc.cluster.local:4317',
    );
  });

  test('the committed dist/ is what the default stack synthesizes', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'otel-tiers-synth-'));
    const app = new App({ outdir });
    new ReferenceStack(app, 'otel-tiers', { namespace: 'monitoring', disableResourceNameHashes: true });
    app.synth();
    const fresh = readFileSync(join(outdir, 'otel-tiers.k8s.yaml'), 'utf8');
    const committed = readFileSync(join(__dirname, '../../../dist/otel-tiers.k8s.yaml'), 'utf8');
    expect(parseAllDocuments(committed).map((d) => d.toJSON())).toEqual(
      parseAllDocuments(fresh).map((d) => d.toJSON()),
    );
  });

  test('a broken config fails the app synth with the tier, pipeline and component named', () => {
    const app = Testing.app();
    const stack = new ReferenceStack(app, 'otel-tiers');
    stack.gateway.config.extendPipeline('logs/vendor', { exporters: ['otlp/a'] });
    expect(() => app.synth()).toThrow(
      /GatewayTier 'otel-gateway': pipeline logs\/vendor uses exporter 'otlp\/a' which is not defined; define it with config.addExporter/,
    );
  });

  test('rendering seam: a custom renderer gets the model; addons run after it with the final model', () => {
    const seen: CollectorWorkloadModel[] = [];
    const infos: TierInfo[] = [];
    const rendering = Rendering.custom({ name: 'probe', render: (_scope, model) => void seen.push(model) });
    const addon: ITierAddon = {
      name: 'probe',
      apply: (scope: Construct, tier: TierInfo) => {
        expect(scope.node.path).toContain('addon-probe');
        infos.push(tier);
      },
    };
    const stack = new ReferenceStack(Testing.app(), 'otel-tiers', {
      rendering,
      addons: [addon],
      alerts: false,
      monitors: false,
    });
    expect(Testing.synth(stack).map((o: Manifest) => o.kind)).toEqual(['Namespace']);
    expect(seen.map((m) => `${m.tierKind}:${m.mode}`)).toEqual([
      'GatewayTier:statefulset',
      'AgentTier:daemonset',
      'ClusterAgentTier:deployment',
    ]);
    const gw = seen[0];
    expect(gw.targetAllocator?.scrapeConfigs.length).toBe(2);
    expect(gw.identity.clusterRules.length).toBeGreaterThan(0);
    expect(infos.find((i) => i.tierKind === 'AgentTier')?.podtail).toEqual({
      metricsPort: 9464,
      containerName: 'podtail',
    });
    expect(infos.find((i) => i.tierKind === 'GatewayTier')?.podtail).toBeUndefined();
    expect(() => Rendering.named('nope')).toThrow(/no renderer named 'nope' is registered/);
    expect(Rendering.named('plain').renderer.name).toBe('plain');
    expect(stack.gateway).toBeInstanceOf(GatewayTier);
  });
});

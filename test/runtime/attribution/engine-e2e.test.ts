/**
 * End to end: the real podtail engine with the default extensions (createExtensions) on real
 * log files, attributing from FakeApiServer, a local HTTP server that stands in for the
 * Kubernetes API server (none can run on this machine) and speaks its list/watch protocol.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Engine } from '../../../runtime/src/engine';
import { append, cri, logFile, readOut, startEngine, tempNode, waitFor, type Node } from '../core/helpers';
import { FakeApiServer, makePod } from './support/fake-apiserver';

jest.setTimeout(60_000);

type Out = {
  body: unknown;
  severityNumber?: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  resourceMetrics?: unknown[];
};

describe('podtail engine with attribution, structured bodies, dataloader metrics and egress limits', () => {
  let node: Node;
  let api: FakeApiServer;
  let engine: Engine | undefined;

  beforeEach(async () => {
    node = tempNode('podtail-attr-e2e-');
    api = new FakeApiServer();
    await api.start();
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    await api.stop();
    node.cleanup();
  });

  const out = () => readOut(node) as unknown as Out[];
  const logs = () => out().filter((r) => !r.resourceMetrics);

  it('ships every line attributed to its pod and rank, with structured bodies, metrics, limits and evictions', async () => {
    const trainer = (status?: Record<string, unknown>) =>
      makePod({
        name: 'trainer-0',
        namespace: 'ml',
        uid: 'uid-trainer-0',
        node: 'node-1',
        labels: {
          'training.kubeflow.org/job-name': 'llm',
          'training.kubeflow.org/replica-index': '0',
          team: 'research',
        },
        owner: { kind: 'Job', name: 'llm-worker' },
        containers: [
          { name: 'pytorch', image: 'ghcr.io/acme/trainer:1.2', env: [{ name: 'RANK', value: '3' }] },
        ],
        statuses: [
          { name: 'pytorch', image: 'ghcr.io/acme/trainer:1.2', containerID: 'containerd://abc123' },
        ],
        status,
      });
    api.put(trainer());
    api.put(
      makePod({
        name: 'spam',
        namespace: 'noisy',
        uid: 'uid-spam',
        node: 'node-1',
        containers: [{ name: 'app' }],
      }),
    );

    const t = logFile(node, 'ml', 'trainer-0', 'pytorch', 0);
    append(
      t,
      cri('{"level":"warn","msg":"grad norm high","step":7}') +
        cri('iter 7 data_time: 0.2 time: 0.8') +
        cri('iter 8 data_time: 0.4 time: 0.8'),
    );
    const n = logFile(node, 'noisy', 'spam', 'app', 0);
    let spam = '';
    for (let i = 0; i < 40; i++) spam += cri(`spam ${i}`);
    append(n, spam);

    engine = await startEngine(node, {
      kubernetes: { kubeconfig: api.writeKubeconfig(), initialBackoffMs: 20, maxBackoffMs: 200 },
      structured: { rules: [{ namespace: 'ml' }] },
      dataloader: { enabled: true, exportIntervalMs: 200 },
      limits: {
        enabled: true,
        summaryIntervalMs: 200,
        overrides: { noisy: { recordsPerSecond: 0.001, recordsBurst: 10 } },
      },
    });
    await waitFor(
      () => logs().filter((r) => r.resource['k8s.namespace.name'] === 'ml').length === 3,
      15_000,
      'trainer lines',
    );
    await waitFor(
      () => logs().some((r) => r.attributes['event.name'] === 'podtail.egress_limit.drop'),
      15_000,
      'drop summary',
    );
    await waitFor(() => out().some((r) => r.resourceMetrics), 15_000, 'dataloader metrics');

    const trainerLines = logs().filter((r) => r.resource['k8s.namespace.name'] === 'ml');
    for (const r of trainerLines) {
      expect(r.resource).toMatchObject({
        'k8s.pod.name': 'trainer-0',
        'k8s.pod.uid': 'uid-trainer-0',
        'k8s.container.name': 'pytorch',
        'k8s.node.name': 'node-1',
        'k8s.job.name': 'llm-worker',
        'k8s.pod.label.team': 'research',
        'container.id': 'abc123',
        'container.image.name': 'ghcr.io/acme/trainer',
        'gen_ai.training.rank': 3,
        'gen_ai.training.job_id': 'llm',
      });
    }
    const structured = trainerLines.find((r) => typeof r.body === 'object')!;
    expect(structured.body).toEqual({ message: 'grad norm high', step: 7 });
    expect(structured.severityNumber).toBe(13);

    const metricsLine = out().find((r) => r.resourceMetrics)!;
    const text = JSON.stringify(metricsLine);
    expect(text).toContain('training.dataloader.data_time_ratio');
    expect(text).toContain('"gen_ai.training.rank","value":{"intValue":"3"}');

    const spamShipped = logs().filter(
      (r) =>
        r.resource['k8s.namespace.name'] === 'noisy' &&
        typeof r.body === 'string' &&
        r.body.startsWith('spam'),
    );
    expect(spamShipped).toHaveLength(10);
    const summary = logs().find((r) => r.attributes['event.name'] === 'podtail.egress_limit.drop')!;
    expect(summary.attributes['podtail.dropped.records']).toBe(30);
    expect(summary.resource['k8s.namespace.name']).toBe('noisy');

    // Eviction: a record attributed to the pod and its rank, next to its last lines.
    api.put(
      trainer({
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node was low on resource: ephemeral-storage.',
      }),
    );
    await waitFor(
      () => logs().some((r) => r.attributes['event.name'] === 'k8s.pod.evicted'),
      15_000,
      'eviction record',
    );
    const ev = logs().find((r) => r.attributes['event.name'] === 'k8s.pod.evicted')!;
    expect(ev.resource).toMatchObject({ 'k8s.pod.uid': 'uid-trainer-0', 'gen_ai.training.rank': 3 });

    // Dropped lines are decided, not lost: the cursor moves past them, so a restart reads nothing again.
    await engine.stop();
    engine = undefined;
    const before = logs().filter((r) => r.resource['k8s.namespace.name'] === 'noisy').length;
    engine = await startEngine(node, {
      kubernetes: { kubeconfig: api.writeKubeconfig(), initialBackoffMs: 20, maxBackoffMs: 200 },
      limits: { enabled: true, overrides: { noisy: { recordsPerSecond: 0.001, recordsBurst: 10 } } },
    });
    append(n, cri('after restart'));
    await waitFor(() => logs().some((r) => r.body === 'after restart'), 15_000, 'new line after restart');
    expect(logs().filter((r) => r.resource['k8s.namespace.name'] === 'noisy').length).toBe(before + 1);
    expect(existsSync(n) && statSync(n).size).toBeGreaterThan(0);
    expect(readFileSync(n, 'utf8')).toContain('spam 39');
  });
});

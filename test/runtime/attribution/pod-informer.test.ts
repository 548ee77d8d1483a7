jest.setTimeout(30_000);
/**
 * The pod informer and attribution against FakeApiServer, a local HTTP server that stands in
 * for the Kubernetes API server (none can run on this machine) and speaks its real list/watch
 * protocol: list, chunked watch from a resourceVersion, bookmarks, 410 Gone, 403.
 */
import { createAttributionExtension, type AttributionExtension } from '../../../runtime/src/attribution';
import { FakeApiServer, makePod } from './support/fake-apiserver';
import { origin, record, testContext, until, type TestContext } from './support/context';

const fast = { initialBackoffMs: 20, maxBackoffMs: 200 };

describe('pod informer (against a stand-in API server speaking the list/watch protocol)', () => {
  let api: FakeApiServer;
  let ext: AttributionExtension | undefined;
  let ctx: TestContext;

  beforeEach(async () => {
    api = new FakeApiServer();
    await api.start();
  });
  afterEach(async () => {
    await ext?.stop();
    ext = undefined;
    await api.stop();
  });

  async function startExt(kubernetes: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
    ctx = testContext({
      kubernetes: { kubeconfig: api.writeKubeconfig(), ...fast, ...kubernetes },
      ...extra,
    });
    ext = createAttributionExtension(ctx, { env: {} });
    await ext.start();
    return ext;
  }

  const attribute = (uid: string, p: Partial<Parameters<typeof origin>[0]> = {}, body = 'hello') =>
    ext!.process(record(body), origin({ podUid: uid, ...p })).resource;

  it('lists pods of its node with a field selector, then watches from the list resourceVersion with bookmarks', async () => {
    api.put(makePod({ name: 'a', uid: 'uid-a', labels: { app: 'web' } }));
    api.put(makePod({ name: 'b', uid: 'uid-b', node: 'node-b' }));
    const listRv = String(api.resourceVersion);
    await startExt();
    await until(() => api.watcherCount === 1, 5000, 'watch');
    const list = api.requests.find((r) => r.path === '/api/v1/pods' && !r.query.has('watch'))!;
    expect(list.query.get('fieldSelector')).toBe('spec.nodeName=node-a');
    expect(list.auth).toBe('Bearer test-token');
    const watch = api.requests.find((r) => r.query.get('watch') === 'true')!;
    expect(watch.query.get('resourceVersion')).toBe(listRv);
    expect(watch.query.get('allowWatchBookmarks')).toBe('true');
    expect(watch.query.get('fieldSelector')).toBe('spec.nodeName=node-a');
    expect(ext!.ready()).toBe(true);
    expect(attribute('uid-a', { podName: 'a' })).toMatchObject({
      'k8s.pod.name': 'a',
      'k8s.pod.uid': 'uid-a',
      'k8s.node.name': 'node-a',
      'k8s.pod.label.app': 'web',
      'container.image.name': 'docker.io/library/busybox',
    });
    // The other node's pod is not in the cache: path metadata only.
    expect(attribute('uid-b', { podName: 'b' })['k8s.pod.label.app']).toBeUndefined();
  });

  it('shows label changes of a running pod on its next records; watched ADDED pods attribute', async () => {
    api.put(makePod({ name: 'a', uid: 'uid-a', labels: { tier: 'one' } }));
    await startExt();
    await until(() => api.watcherCount === 1);
    expect(attribute('uid-a')['k8s.pod.label.tier']).toBe('one');
    api.put(makePod({ name: 'a', uid: 'uid-a', labels: { tier: 'two', extra: 'x' } }));
    await until(() => attribute('uid-a')['k8s.pod.label.tier'] === 'two', 5000, 'label change');
    expect(attribute('uid-a')['k8s.pod.label.extra']).toBe('x');
    api.put(makePod({ name: 'late', uid: 'uid-late', labels: { app: 'late' } }));
    await until(() => attribute('uid-late')['k8s.pod.label.app'] === 'late', 5000, 'added pod');
  });

  it('re-watches from the last bookmark when the server ends the watch', async () => {
    await startExt();
    await until(() => api.watcherCount === 1);
    api.bookmark();
    const bookmarkRv = String(api.resourceVersion);
    await until(() => ext!.informer!.lastResourceVersion === bookmarkRv, 5000, 'bookmark');
    api.closeWatches();
    await until(
      () => api.requests.filter((r) => r.query.get('watch') === 'true').length === 2,
      5000,
      're-watch',
    );
    const rewatch = api.requests.filter((r) => r.query.get('watch') === 'true')[1];
    expect(rewatch.query.get('resourceVersion')).toBe(bookmarkRv);
    expect(ext!.informer!.stats.lists).toBe(1);
  });

  it.each(['event', 'http'] as const)(
    'relists on 410 Gone (%s) and reconciles what it missed',
    async (mode) => {
      api.put(makePod({ name: 'a', uid: 'uid-a', labels: { v: '1' } }));
      api.put(makePod({ name: 'doomed', uid: 'uid-d', labels: { v: '1' } }));
      await startExt({ deletedPodGraceMs: 0 });
      await until(() => api.watcherCount === 1);
      api.goneMode = mode;
      // Changes the watch never sees, then the watch expires.
      api.putSilently(makePod({ name: 'a', uid: 'uid-a', labels: { v: '2' } }));
      api.putSilently(makePod({ name: 'new', uid: 'uid-n', labels: { v: 'n' } }));
      api.deleteSilently('uid-d');
      if (mode === 'event') api.expireWatches();
      else api.closeWatches();
      await until(() => ext!.informer!.stats.lists >= 2, 5000, 'relist');
      await until(() => api.watcherCount === 1, 5000, 'watch after relist');
      expect(ext!.informer!.stats.gone).toBeGreaterThanOrEqual(1);
      expect(attribute('uid-a')['k8s.pod.label.v']).toBe('2');
      expect(attribute('uid-n')['k8s.pod.label.v']).toBe('n');
      await new Promise((r) => setTimeout(r, 5));
      expect(attribute('uid-d')['k8s.pod.label.v']).toBeUndefined();
      expect(await ctx.metricValue('podtail_attribution_path_only_total', { reason: 'expired' })).toBe(1);
      expect(await ctx.failures('watch')).toBe(0);
    },
  );

  it('retries a dropped connection with backoff, counting the watch failure', async () => {
    api.put(makePod({ name: 'a', uid: 'uid-a', labels: { v: '1' } }));
    await startExt();
    await until(() => api.watcherCount === 1);
    const port = api.port;
    await api.stop();
    await until(async () => (await ctx.failures('watch')) >= 2, 5000, 'failures while down');
    expect(ext!.ready()).toBe(false);
    expect(await ctx.metricValue('podtail_degraded', { component: 'kubernetes' })).toBe(1);
    // Metadata already cached keeps attributing while down.
    expect(attribute('uid-a')['k8s.pod.label.v']).toBe('1');
    // The API comes back on the same port: the informer relists and is ready again.
    const back = new FakeApiServer();
    back.put(makePod({ name: 'a', uid: 'uid-a', labels: { v: 'old' } }));
    back.put(makePod({ name: 'a', uid: 'uid-a', labels: { v: 'back' } }));
    // The informer's resourceVersion is compacted away on the new server: it must relist.
    back.compactedBefore = back.resourceVersion;
    await back.start(port);
    api = back;
    await until(() => ext!.ready(), 5000, 'ready again');
    await until(() => attribute('uid-a')['k8s.pod.label.v'] === 'back', 5000, 'fresh metadata');
    expect(await ctx.metricValue('podtail_degraded', { component: 'kubernetes' })).toBe(0);
  });

  it('treats a non-410 ERROR event as a watch failure: counted, backed off, re-watched without a relist', async () => {
    api.put(makePod({ name: 'a', uid: 'uid-a', labels: { v: '1' } }));
    await startExt();
    await until(() => api.watcherCount === 1);
    api.failWatches(500);
    await until(async () => (await ctx.failures('watch')) === 1, 5000, 'watch failure');
    expect(
      ctx.logs.some((l) => l.level === 'warn' && /etcd leader changed/.test(String(l.fields?.message))),
    ).toBe(true);
    await until(() => api.watcherCount === 1 && ext!.ready(), 5000, 're-watch');
    expect(ext!.informer!.stats.lists).toBe(1);
    api.put(makePod({ name: 'a', uid: 'uid-a', labels: { v: '2' } }));
    await until(() => attribute('uid-a')['k8s.pod.label.v'] === '2', 5000, 'events after re-watch');
  });

  it('on 403 marks the watch failure kind and keeps shipping with path metadata', async () => {
    api.forbidden = true;
    api.put(makePod({ name: 'a', uid: 'uid-a', labels: { v: '1' } }));
    await startExt();
    await until(async () => (await ctx.failures('watch')) >= 1, 5000, 'watch failure');
    expect(ext!.ready()).toBe(false);
    expect(ctx.logs.some((l) => l.level === 'warn' && /forbidden.*RBAC/.test(l.msg))).toBe(true);
    const res = attribute('uid-a', { podName: 'a', namespace: 'team' });
    expect(res).toMatchObject({
      'k8s.namespace.name': 'team',
      'k8s.pod.name': 'a',
      'k8s.pod.uid': 'uid-a',
      'k8s.container.name': 'main',
    });
    expect(res['k8s.pod.label.v']).toBeUndefined();
    expect(await ctx.metricValue('podtail_attribution_path_only_total', { reason: 'informer_down' })).toBe(1);
    // RBAC fixed: the informer recovers on its next retry (the ceiling, 200 ms here).
    api.forbidden = false;
    await until(() => ext!.ready(), 5000, 'recovery');
    expect(attribute('uid-a')['k8s.pod.label.v']).toBe('1');
  });

  it('keeps a deleted pod for the grace period, then ships path metadata only, counted', async () => {
    api.put(makePod({ name: 'a', uid: 'uid-a', labels: { v: '1' } }));
    await startExt({ deletedPodGraceMs: 400 });
    await until(() => api.watcherCount === 1);
    api.delete('uid-a');
    await new Promise((r) => setTimeout(r, 150));
    expect(attribute('uid-a')['k8s.pod.label.v']).toBe('1');
    await new Promise((r) => setTimeout(r, 400));
    expect(attribute('uid-a')['k8s.pod.label.v']).toBeUndefined();
    expect(attribute('uid-a')['k8s.pod.name']).toBe('pod');
    expect(await ctx.metricValue('podtail_attribution_path_only_total', { reason: 'expired' })).toBe(2);
  });

  it('bounds the cache and raises attribution_cardinality past it', async () => {
    for (let i = 0; i < 5; i++)
      api.put(makePod({ name: `p${i}`, uid: `uid-${i}`, labels: { i: String(i) } }));
    await startExt({ maxPods: 3 });
    await until(() => ext!.ready());
    expect(ext!.cache.size).toBe(3);
    expect(await ctx.failures('attribution_cardinality')).toBe(2);
    expect(attribute('uid-4')['k8s.pod.label.i']).toBe('4');
  });

  it('resolves owners: deployment through the ReplicaSet, cronjob through the Job, statefulset, daemonset', async () => {
    api.replicaSets.set('default/web-7d9f', {
      metadata: {
        name: 'web-7d9f',
        namespace: 'default',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd', controller: true },
        ],
      },
    } as never);
    api.jobs.set('default/nightly-2900', {
      metadata: {
        name: 'nightly-2900',
        namespace: 'default',
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'c', controller: true },
        ],
      },
    } as never);
    // The hash label does not match the ReplicaSet name: only the API read can name the deployment.
    api.put(
      makePod({
        name: 'w',
        uid: 'uid-w',
        owner: { kind: 'ReplicaSet', name: 'web-7d9f' },
        labels: { 'pod-template-hash': 'zzz' },
      }),
    );
    api.put(makePod({ name: 'n', uid: 'uid-n', owner: { kind: 'Job', name: 'nightly-2900' } }));
    api.put(makePod({ name: 's', uid: 'uid-s', owner: { kind: 'StatefulSet', name: 'db' } }));
    api.put(makePod({ name: 'd', uid: 'uid-d', owner: { kind: 'DaemonSet', name: 'agent' } }));
    await startExt();
    await until(() => attribute('uid-w')['k8s.deployment.name'] === 'web', 5000, 'deployment');
    expect(attribute('uid-w')['k8s.replicaset.name']).toBe('web-7d9f');
    await until(() => attribute('uid-n')['k8s.cronjob.name'] === 'nightly', 5000, 'cronjob');
    expect(attribute('uid-n')['k8s.job.name']).toBe('nightly-2900');
    expect(attribute('uid-s')['k8s.statefulset.name']).toBe('db');
    expect(attribute('uid-d')['k8s.daemonset.name']).toBe('agent');
    expect(api.requests.some((r) => r.path === '/apis/apps/v1/namespaces/default/replicasets/web-7d9f')).toBe(
      true,
    );
  });

  it('derives the deployment from the ReplicaSet name minus pod-template-hash when replicasets are forbidden', async () => {
    api.forbidOwners = true;
    api.put(
      makePod({
        name: 'w',
        uid: 'uid-w',
        owner: { kind: 'ReplicaSet', name: 'shop-5c8b9' },
        labels: { 'pod-template-hash': '5c8b9' },
      }),
    );
    await startExt();
    await until(() => ext!.ready());
    expect(attribute('uid-w')['k8s.deployment.name']).toBe('shop');
    await until(
      () => ctx.logs.some((l) => /replicasets? .*forbidden|ReplicaSets is forbidden/i.test(l.msg)),
      5000,
      'forbidden log',
    );
    expect(attribute('uid-w')['k8s.deployment.name']).toBe('shop');
  });

  it('sets container.id and image per restart from the pod status', async () => {
    api.put(
      makePod({
        name: 'a',
        uid: 'uid-a',
        containers: [{ name: 'main', image: 'registry.local:5000/team/trainer:v3' }],
        statuses: [
          {
            name: 'main',
            image: 'registry.local:5000/team/trainer:v3',
            containerID: 'containerd://c-new',
            restartCount: 1,
            lastID: 'containerd://c-old',
          },
        ],
      }),
    );
    await startExt();
    await until(() => ext!.ready());
    expect(attribute('uid-a', { restartCount: 1 })).toMatchObject({
      'container.id': 'c-new',
      'container.image.name': 'registry.local:5000/team/trainer',
    });
    expect(attribute('uid-a', { restartCount: 0 })['container.id']).toBe('c-old');
  });

  it('copies selected labels and annotations up to the cap, counting what it leaves off', async () => {
    const labels: Record<string, string> = {
      'app.kubernetes.io/name': 'x',
      'app.kubernetes.io/part-of': 'y',
      secret: 's',
      keep: 'k',
    };
    api.put(makePod({ name: 'a', uid: 'uid-a', labels, annotations: { 'team.io/owner': 'ml', other: 'o' } }));
    await startExt({
      labels: { include: ['app.kubernetes.io/*', 'keep'], exclude: ['app.kubernetes.io/part-of'], max: 1 },
      annotations: { include: ['team.io/*'] },
    });
    await until(() => ext!.ready());
    const res = attribute('uid-a');
    expect(res['k8s.pod.label.app.kubernetes.io/name']).toBe('x');
    expect(res['k8s.pod.label.keep']).toBeUndefined();
    expect(res['k8s.pod.label.secret']).toBeUndefined();
    expect(res['k8s.pod.label.app.kubernetes.io/part-of']).toBeUndefined();
    expect(res['k8s.pod.annotation.team.io/owner']).toBe('ml');
    expect(res['k8s.pod.annotation.other']).toBeUndefined();
    expect(await ctx.metricValue('podtail_attribution_truncated_total', { what: 'labels' })).toBe(1);
  });

  it('emits a record for an evicted or preempted pod, attributed to the pod and its rank', async () => {
    const trainer = (status?: Record<string, unknown>) =>
      makePod({
        name: 'trainer-3',
        uid: 'uid-t',
        labels: { 'training.kubeflow.org/job-name': 'llm', 'training.kubeflow.org/replica-index': '3' },
        containers: [{ name: 'pytorch', env: [{ name: 'RANK', value: '4' }] }],
        status,
      });
    api.put(trainer());
    api.put(makePod({ name: 'b', uid: 'uid-b' }));
    await startExt();
    await until(() => api.watcherCount === 1);
    expect(ctx.emitted).toHaveLength(0);
    api.put(
      trainer({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }),
    );
    api.put(
      makePod({
        name: 'b',
        uid: 'uid-b',
        status: {
          conditions: [
            {
              type: 'DisruptionTarget',
              status: 'True',
              reason: 'PreemptionByScheduler',
              message: 'preempted by high/prio',
            },
          ],
        },
      }),
    );
    await until(() => ctx.emitted.length === 2, 5000, 'disruption records');
    const [ev, pre] = ctx.emitted;
    expect(ev.resource).toMatchObject({
      'k8s.pod.name': 'trainer-3',
      'k8s.pod.uid': 'uid-t',
      'gen_ai.training.rank': 4,
      'gen_ai.training.job_id': 'llm',
    });
    expect(ev.attributes).toMatchObject({
      'event.name': 'k8s.pod.evicted',
      'k8s.pod.status.reason': 'Evicted',
    });
    expect(ev.body).toContain('low on resource');
    expect(ev.severityNumber).toBe(13);
    expect(pre.attributes['event.name']).toBe('k8s.pod.preempted');
    // A later update of the same evicted pod does not repeat the record.
    api.put(
      trainer({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.', x: 1 }),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(ctx.emitted).toHaveLength(2);
  });
});

describe('attribution without an API server', () => {
  it('enabled with no cluster and no kubeconfig: watch failure with the fix, path metadata still ships', async () => {
    const ctx = testContext({ kubernetes: { enabled: true } });
    const ext = createAttributionExtension(ctx, { env: {} });
    await ext.start();
    expect(await ctx.failures('watch')).toBe(1);
    expect(ctx.logs.find((l) => l.level === 'error')?.msg).toMatch(
      /KUBERNETES_SERVICE_HOST.*kubernetes\.kubeconfig/,
    );
    expect(ext.ready()).toBe(false);
    const res = ext.process(record('x'), origin({ podUid: 'u1', podName: 'p' })).resource;
    expect(res).toMatchObject({ 'k8s.pod.uid': 'u1', 'k8s.pod.name': 'p', 'k8s.node.name': 'node-a' });
    await ext.stop();
  });

  it('auto outside a cluster: no informer, ready, container.id from the containerd lookup seam', async () => {
    const ctx = testContext();
    const ext = createAttributionExtension(ctx, {
      env: {},
      containerLookup: {
        lookup: (q) =>
          q.podUid === 'u1' && q.containerName === 'main' && q.restartCount === 2
            ? { containerId: 'ctr-9', imageName: 'busybox' }
            : undefined,
      },
    });
    await ext.start();
    expect(ext.informer).toBeUndefined();
    expect(ext.ready()).toBe(true);
    const res = ext.process(record('x'), origin({ podUid: 'u1', restartCount: 2 })).resource;
    expect(res).toMatchObject({
      'container.id': 'ctr-9',
      'container.image.name': 'busybox',
      'k8s.container.restart_count': 2,
    });
    expect(await ctx.metricValue('podtail_attribution_path_only_total')).toBe(0);
    await ext.stop();
  });
});

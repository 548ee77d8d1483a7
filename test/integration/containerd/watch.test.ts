import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { PodtailRecord } from 'podtail';
import { ContainerdWatcher, type ContainerdWatcherOptions } from '../../../runtime/src/containerd';
import {
  podLabels,
  startContainerd,
  type ContainerdHandle,
  type RunTaskOptions,
} from '../helpers/containerd';

/** A watcher on the test daemon that collects its records and failures. */
function watch(
  ctd: ContainerdHandle,
  over: Partial<ContainerdWatcherOptions> = {},
): {
  watcher: ContainerdWatcher;
  records: PodtailRecord[];
  failures: string[];
  states: boolean[];
} {
  const records: PodtailRecord[] = [];
  const failures: string[] = [];
  const states: boolean[] = [];
  const watcher = new ContainerdWatcher({
    socket: ctd.socket,
    namespaces: [],
    maxContainers: 100,
    deletedRetentionMs: 60000,
    pidPollIntervalMs: 0,
    lifecycleRecords: true,
    backoff: { initialMs: 100, maxMs: 400 },
    nodeName: 'node-a',
    onRecord: (r) => records.push(r),
    onFailure: (k) => failures.push(k),
    onStreamState: (up) => states.push(up),
    ...over,
  });
  return { watcher, records, failures, states };
}

async function until<T>(what: string, f: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const ofContainer = (records: PodtailRecord[], id: string): PodtailRecord[] =>
  records.filter((r) => r.resource['container.id'] === id);
const events = (records: PodtailRecord[], id: string): unknown[] =>
  ofContainer(records, id).map((r) => r.attributes['event.name']);

jest.setTimeout(60000);

describe('containerd watch against a real containerd', () => {
  let ctd: ContainerdHandle;
  const watchers: ContainerdWatcher[] = [];
  const started: Array<[string, string]> = [];
  /** Runs a task and remembers it, so afterEach removes it even when the test fails. */
  const runTask = async (o: RunTaskOptions): Promise<void> => {
    started.push([o.id, o.namespace ?? 'k8s.io']);
    await ctd.runTask(o);
  };
  beforeAll(async () => {
    ctd = await startContainerd({ name: 'podtail-watch' });
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.stop()));
    for (const [id, ns] of started.splice(0)) await ctd.remove(id, ns).catch(() => undefined);
  });
  afterAll(async () => {
    await ctd?.stop();
  });

  test('a task that starts and exits with a code gives start and exit records attributed to its pod', async () => {
    const w = watch(ctd);
    watchers.push(w.watcher);
    await w.watcher.start();
    expect(w.watcher.isUp()).toBe(true);

    await runTask({
      id: 'trainer-exit',
      labels: podLabels('trainer-0', 'trainer', { namespace: 'ml', uid: 'uid-t0' }),
      command: 'sleep 0.3; exit 3',
    });
    await until('exit record', () => events(w.records, 'trainer-exit').includes('container.exit'));
    const [start, exit] = ofContainer(w.records, 'trainer-exit');
    expect(start.attributes['event.name']).toBe('container.start');
    const pid = start.attributes['process.pid'];
    expect(typeof pid).toBe('number');
    expect(start.body).toBe(`container trainer started (pid ${pid})`);
    expect(start.resource).toMatchObject({
      'container.id': 'trainer-exit',
      'container.runtime.name': 'containerd',
      'k8s.pod.name': 'trainer-0',
      'k8s.namespace.name': 'ml',
      'k8s.pod.uid': 'uid-t0',
      'k8s.container.name': 'trainer',
      'k8s.node.name': 'node-a',
    });
    expect(exit.body).toBe('container trainer exited with status 3');
    expect(exit.attributes).toMatchObject({
      'event.name': 'container.exit',
      'process.exit.code': 3,
      'process.pid': pid,
      'containerd.namespace': 'k8s.io',
    });
    expect(exit.severityText).toBe('WARN');
    expect(BigInt(exit.timeUnixNano)).toBeGreaterThanOrEqual(BigInt(start.timeUnixNano));

    const entry = w.watcher.store.get('k8s.io', 'trainer-exit');
    expect(entry?.task).toBe('stopped');
    expect(entry?.exitStatus).toBe(3);
    await ctd.remove('trainer-exit');
    await until('task deleted in store', () => w.watcher.store.get('k8s.io', 'trainer-exit')?.deletedAt);
    expect(events(w.records, 'trainer-exit')).toEqual(['container.start', 'container.exit']);
  });

  test('a SIGKILLed task exits with status 137', async () => {
    const w = watch(ctd);
    watchers.push(w.watcher);
    await w.watcher.start();
    await runTask({ id: 'killed', labels: podLabels('web-0', 'web'), command: 'sleep 60' });
    await until('start', () => events(w.records, 'killed').includes('container.start'));
    await ctd.kill('killed');
    const exit = await until('exit', () =>
      ofContainer(w.records, 'killed').find((r) => r.attributes['event.name'] === 'container.exit'),
    );
    expect(exit.attributes['process.exit.code']).toBe(137);
    expect(exit.body).toBe('container web exited with status 137');
    await ctd.remove('killed');
  });

  test('an OOM kill under a small memory limit gives an OOM record and the exit', async () => {
    const w = watch(ctd);
    watchers.push(w.watcher);
    await w.watcher.start();
    await runTask({
      id: 'oom',
      labels: podLabels('loader-0', 'loader'),
      // The shim arms its OOM watch just after start: allocate a moment later.
      command: 'sleep 0.5; dd if=/dev/zero of=/dev/null bs=64M count=4',
      memoryLimitBytes: 16 * 1024 * 1024,
    });
    await until('exit', () => events(w.records, 'oom').includes('container.exit'));
    await until('oom', () => events(w.records, 'oom').includes('container.oom'));
    const oom = ofContainer(w.records, 'oom').find((r) => r.attributes['event.name'] === 'container.oom');
    expect(oom).toBeDefined();
    expect(oom?.body).toBe('container loader OOM killed');
    expect(oom?.severityText).toBe('ERROR');
    expect(oom?.attributes['container.oom_killed']).toBe(true);
    expect(oom?.resource['k8s.pod.name']).toBe('loader-0');
    const exit = ofContainer(w.records, 'oom').find((r) => r.attributes['event.name'] === 'container.exit');
    expect(exit?.attributes['process.exit.code']).toBe(137);
    expect(exit?.attributes['container.oom_killed']).toBe(true);
    expect(w.watcher.store.get('k8s.io', 'oom')?.oomKilled).toBe(true);
    await ctd.remove('oom');
  });

  test('tasks that start (and one that also exits) between subscribe and list are reported once', async () => {
    const w = watch(ctd, {
      afterSubscribe: async () => {
        await runTask({ id: 'window-run', labels: podLabels('w-0', 'runner'), command: 'sleep 60' });
        await runTask({ id: 'window-exit', labels: podLabels('w-1', 'quick'), command: 'exit 5' });
        await ctd.waitStopped('window-exit');
      },
    });
    watchers.push(w.watcher);
    await w.watcher.start();
    expect(events(w.records, 'window-run')).toEqual(['container.start']);
    expect(events(w.records, 'window-exit')).toEqual(['container.start', 'container.exit']);
    const exit = ofContainer(w.records, 'window-exit')[1];
    expect(exit.attributes['process.exit.code']).toBe(5);
    expect(ofContainer(w.records, 'window-run')[0].resource['k8s.pod.name']).toBe('w-0');
    // The store agrees with containerd.
    expect(w.watcher.store.get('k8s.io', 'window-run')?.task).toBe('running');
    await ctd.remove('window-run');
    await ctd.remove('window-exit');
  });

  test('what already runs at start is stored but not announced; lookups find it by pod, id and pid', async () => {
    await runTask({
      id: 'preexisting',
      labels: podLabels('db-0', 'db', { uid: 'uid-db' }),
      command: 'sleep 60 & sleep 60 & wait',
    });
    const w = watch(ctd, { pidPollIntervalMs: 100 });
    watchers.push(w.watcher);
    await w.watcher.start();
    expect(events(w.records, 'preexisting')).toEqual([]);
    const e = w.watcher.store.byPodContainer('uid-db', 'db');
    expect(e?.id).toBe('preexisting');
    expect(e?.task).toBe('running');
    // sh and its two sleeps: the forked children come from ListPids.
    await until('three pids', () => (e?.pids.size ?? 0) >= 3);
    for (const pid of e?.pids ?? []) expect(w.watcher.store.byPid(pid)?.id).toBe('preexisting');
    await ctd.remove('preexisting');
    await until('deleted', () => w.watcher.store.get('k8s.io', 'preexisting')?.deletedAt);
    // Still resolvable for late log lines, with its pids gone.
    expect(w.watcher.store.byPodContainer('uid-db', 'db')?.id).toBe('preexisting');
    expect(w.watcher.store.get('k8s.io', 'preexisting')?.pids.size).toBe(0);
  });

  test('a namespace created after start is watched', async () => {
    const w = watch(ctd);
    watchers.push(w.watcher);
    await w.watcher.start();
    expect(w.watcher.namespacesSeen.has('team-late')).toBe(false);
    await ctd.createNamespace('team-late');
    await runTask({
      id: 'late-task',
      namespace: 'team-late',
      labels: podLabels('late-0', 'late'),
      command: 'exit 0',
    });
    await until('exit', () => events(w.records, 'late-task').includes('container.exit'));
    expect(events(w.records, 'late-task')).toEqual(['container.start', 'container.exit']);
    const exit = ofContainer(w.records, 'late-task')[1];
    expect(exit.attributes['containerd.namespace']).toBe('team-late');
    expect(exit.attributes['process.exit.code']).toBe(0);
    expect(exit.severityText).toBe('INFO');
    expect(w.watcher.namespacesSeen.has('team-late')).toBe(true);
    await ctd.remove('late-task', 'team-late');
  });

  test('a namespace filter keeps other namespaces out', async () => {
    const w = watch(ctd, { namespaces: ['k8s.io'] });
    watchers.push(w.watcher);
    await w.watcher.start();
    await ctd.createNamespace('other');
    await runTask({ id: 'elsewhere', namespace: 'other', command: 'exit 0' });
    await runTask({ id: 'here', labels: podLabels('h-0', 'h'), command: 'exit 0' });
    await until('exit here', () => events(w.records, 'here').includes('container.exit'));
    await w.watcher.idle();
    expect(events(w.records, 'elsewhere')).toEqual([]);
    expect(w.watcher.store.get('other', 'elsewhere')).toBeUndefined();
    await ctd.remove('elsewhere', 'other');
    await ctd.remove('here');
  });

  test('past the store cap new containers are refused and counted as attribution_cardinality', async () => {
    await ctd.createNamespace('cap');
    const w = watch(ctd, { maxContainers: 2, namespaces: ['cap'] });
    watchers.push(w.watcher);
    await w.watcher.start();
    for (const id of ['cap-1', 'cap-2', 'cap-3'])
      await runTask({ id, namespace: 'cap', labels: podLabels(id, 'c'), command: 'sleep 60' });
    await until('two starts', () => w.records.length >= 2);
    await until('a cardinality failure', () => w.failures.includes('attribution_cardinality'));
    await w.watcher.idle();
    expect(w.watcher.store.size).toBe(2);
    expect(w.watcher.store.get('cap', 'cap-3')).toBeUndefined();
    expect(events(w.records, 'cap-3')).toEqual([]);
  });

  test('containerd restarted while tasks come and go: watch failure, reconnect, reconcile', async () => {
    await runTask({ id: 'r-stays', labels: podLabels('r-0', 'stays'), command: 'sleep 60' });
    await runTask({ id: 'r-killed', labels: podLabels('r-1', 'killed'), command: 'sleep 60' });
    await runTask({ id: 'r-deleted', labels: podLabels('r-2', 'deleted'), command: 'sleep 60' });
    const w = watch(ctd, { backoff: { initialMs: 3000, maxMs: 3000 } });
    watchers.push(w.watcher);
    await w.watcher.start();
    const syncs = w.watcher.syncs;

    await ctd.stopDaemon();
    await until('stream down', () => !w.watcher.isUp());
    expect(w.failures).toContain('watch');
    await ctd.startDaemon();
    // While podtail waits out its backoff: one task killed, one killed and deleted, one new.
    await ctd.kill('r-killed');
    await ctd.waitStopped('r-killed');
    await ctd.remove('r-deleted');
    await runTask({ id: 'r-new', labels: podLabels('r-3', 'new'), command: 'sleep 60' });
    await w.watcher.waitForSync(syncs);
    expect(w.watcher.isUp()).toBe(true);
    expect(w.states).toEqual([true, false, true]);

    expect(events(w.records, 'r-stays')).toEqual([]);
    expect(events(w.records, 'r-new')).toEqual(['container.start']);
    expect(events(w.records, 'r-killed')).toEqual(['container.exit']);
    expect(ofContainer(w.records, 'r-killed')[0].attributes['process.exit.code']).toBe(137);
    expect(events(w.records, 'r-deleted')).toEqual(['container.exit']);
    expect(ofContainer(w.records, 'r-deleted')[0].body).toBe('container deleted exited (status unknown)');
    expect(ofContainer(w.records, 'r-new')[0].attributes['podtail.lifecycle.source']).toBe('reconcile');
    expect(w.watcher.store.get('k8s.io', 'r-deleted')?.deletedAt).toBeDefined();
    expect(w.watcher.store.get('k8s.io', 'r-stays')?.task).toBe('running');

    // Live again: events flow.
    await ctd.kill('r-new');
    await until('exit of r-new', () => events(w.records, 'r-new').includes('container.exit'));
    expect(events(w.records, 'r-new')).toEqual(['container.start', 'container.exit']);
    for (const id of ['r-stays', 'r-killed', 'r-new']) await ctd.remove(id);
  });

  test('a socket that does not exist yet: start returns, watch failures count, then it connects', async () => {
    const late = join(ctd.dir, 'late.sock');
    const w = watch(ctd, { socket: late });
    watchers.push(w.watcher);
    await w.watcher.start();
    expect(w.watcher.isUp()).toBe(false);
    expect(w.failures[0]).toBe('watch');
    await until('a second failure (retrying)', () => w.failures.length >= 2);
    symlinkSync(ctd.socket, late);
    await w.watcher.waitForSync(0);
    expect(w.watcher.isUp()).toBe(true);
    await runTask({ id: 'after-connect', labels: podLabels('ac-0', 'ac'), command: 'exit 0' });
    await until('exit', () => events(w.records, 'after-connect').includes('container.exit'));
  });
});

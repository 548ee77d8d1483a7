import { containerdSchema } from '../../../runtime/src/config/containerd';
import { ContainerStore, lifecycleRecord } from '../../../runtime/src/containerd';
import { assertContainerdAvailable } from '../helpers/containerd';

const labels = (pod: string, name: string, uid = `uid-${pod}`): Record<string, string> => ({
  'io.kubernetes.pod.name': pod,
  'io.kubernetes.pod.namespace': 'ml',
  'io.kubernetes.pod.uid': uid,
  'io.kubernetes.container.name': name,
});

describe('containerd config section', () => {
  test('defaults: off, the standard socket, every namespace', () => {
    expect(containerdSchema.parse(undefined)).toEqual({
      enabled: false,
      socket: '/run/containerd/containerd.sock',
      namespaces: [],
      maxContainers: 10000,
      deletedRetentionMs: 300000,
      pidPollIntervalMs: 10000,
      lifecycleRecords: true,
      backoff: { initialMs: 500, maxMs: 30000 },
    });
  });

  test('errors name the key and the fix', () => {
    const r = containerdSchema.safeParse({
      socket: 'run/containerd.sock',
      namespaces: ['k8s io'],
      backoff: { initialMs: 1000, maxMs: 10 },
      maxContainers: 0,
      colour: 'blue',
    });
    expect(r.success).toBe(false);
    const msgs = r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^socket: .*absolute path such as \/run\/containerd\/containerd.sock/),
        expect.stringMatching(/^namespaces.0: containerd namespace names are/),
        expect.stringMatching(/^maxContainers: /),
        expect.stringMatching(/^: Unrecognized key: "colour"/),
      ]),
    );
  });
});

describe('container store', () => {
  test('past the cap, deleted containers are evicted first; with only live ones left, new ones are refused', () => {
    let now = 1000;
    const refused: string[] = [];
    const store = new ContainerStore({
      maxContainers: 2,
      retentionMs: 60000,
      onOverflow: (ns, id) => refused.push(`${ns}/${id}`),
      now: () => now,
    });
    const a = store.upsert('k8s.io', 'a', { labels: labels('p-a', 'c') });
    store.upsert('k8s.io', 'b', { labels: labels('p-b', 'c') });
    store.markDeleted(a!);
    now += 10;
    expect(store.upsert('k8s.io', 'c', {})).toBeDefined(); // evicts deleted a
    expect(store.get('k8s.io', 'a')).toBeUndefined();
    expect(store.upsert('k8s.io', 'd', {})).toBeUndefined();
    expect(refused).toEqual(['k8s.io/d']);
    expect(store.size).toBe(2);
  });

  test('deleted containers stay resolvable until their retention passes', () => {
    let now = 0;
    const store = new ContainerStore({ maxContainers: 10, retentionMs: 100, now: () => now });
    const e = store.upsert('k8s.io', 'x', { labels: labels('p', 'c') })!;
    store.markDeleted(e);
    now = 50;
    store.prune();
    expect(store.byContainerId('x')?.id).toBe('x');
    now = 101;
    store.prune();
    expect(store.byContainerId('x')).toBeUndefined();
  });

  test('by pod and container name: the running container wins, else the newest', () => {
    const store = new ContainerStore({ maxContainers: 10, retentionMs: 1000 });
    const old = store.upsert('k8s.io', 'attempt-0', { labels: labels('p', 'c'), createdAtNano: 1n })!;
    const cur = store.upsert('k8s.io', 'attempt-1', { labels: labels('p', 'c'), createdAtNano: 2n })!;
    old.task = 'stopped';
    cur.task = 'stopped';
    expect(store.byPodContainer('uid-p', 'c')?.id).toBe('attempt-1');
    old.task = 'running';
    expect(store.byPodContainer('uid-p', 'c')?.id).toBe('attempt-0');
    expect(store.byPodContainer('uid-p', 'other')).toBeUndefined();
  });

  test('the pid index follows the task: set, replaced, cleared when the task ends', () => {
    const store = new ContainerStore({ maxContainers: 10, retentionMs: 1000 });
    const e = store.upsert('k8s.io', 'x', {})!;
    e.task = 'running';
    e.pid = 10;
    store.setPids(e, [11, 12]);
    expect([...e.pids].sort()).toEqual([10, 11, 12]);
    expect(store.byPid(12)?.id).toBe('x');
    store.setPids(e, [13]);
    expect(store.byPid(12)).toBeUndefined();
    e.task = 'stopped';
    store.setPids(e, []);
    expect(store.byPid(10)).toBeUndefined();
  });
});

describe('lifecycle records', () => {
  test('a container without Kubernetes labels is named by its id; exit 0 is INFO', () => {
    const store = new ContainerStore({ maxContainers: 10, retentionMs: 1000 });
    const e = store.upsert('default', 'plain', { image: 'docker.io/library/busybox:1' })!;
    const r = lifecycleRecord(
      e,
      { kind: 'exit', pid: 7, exitStatus: 0, timeUnixNano: '1700000000000000000', source: 'event' },
      'node-1',
    );
    expect(r.body).toBe('container plain exited with status 0');
    expect(r.severityText).toBe('INFO');
    expect(r.attributes['process.exit.time']).toBe('2023-11-14T22:13:20.000Z');
    expect(r.resource).toEqual({
      'container.id': 'plain',
      'container.runtime.name': 'containerd',
      'container.image.name': 'docker.io/library/busybox:1',
      'k8s.node.name': 'node-1',
    });
  });
});

describe('the containerd test helper', () => {
  test('without containerd, runc or ctr on PATH it fails naming the install script', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => assertContainerdAvailable()).toThrow(
        /run scripts\/install-test-deps.sh .*\(missing: containerd, runc, ctr\)/,
      );
    } finally {
      process.env.PATH = saved;
    }
  });
});

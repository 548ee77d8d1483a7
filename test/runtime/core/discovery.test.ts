jest.setTimeout(30_000);
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PathFilter, globToRegExp } from '../../../runtime/src/discover/glob';
import { originFromRelative } from '../../../runtime/src/discover/path-info';
import { append, bodies, cri, logFile, readOut, startEngine, tempNode, waitFor, type Node } from './helpers';

describe('globs and filters', () => {
  it('matches within and across segments', () => {
    expect(globToRegExp('*/*/*.log').test('ns_p_u/c/0.log')).toBe(true);
    expect(globToRegExp('*/*/*.log').test('ns_p_u/c/0.log.20240101')).toBe(false);
    expect(globToRegExp('**/*.log').test('a/b/c/0.log')).toBe(true);
    expect(globToRegExp('kube-system_*/**').test('kube-system_p_u/c/0.log')).toBe(true);
    expect(globToRegExp('*/{app,web}/?.log').test('n_p_u/web/1.log')).toBe(true);
    const f = new PathFilter({
      include: ['*/*/*.log'],
      exclude: ['*/sidecar/*.log'],
      namespaces: { include: [], exclude: ['kube-system'] },
    });
    expect(f.matches('default_p_u/app/0.log')).toBe(true);
    expect(f.matches('default_p_u/sidecar/0.log')).toBe(false);
    expect(f.matches('kube-system_p_u/app/0.log')).toBe(false);
  });

  it('reads attribution from the kubelet path, restart count from <n>.log', () => {
    expect(originFromRelative('team-a_trainer-0_1234-abcd/main/7.log', '/var/log/pods/x')).toEqual({
      path: '/var/log/pods/x',
      namespace: 'team-a',
      podName: 'trainer-0',
      podUid: '1234-abcd',
      containerName: 'main',
      restartCount: 7,
    });
    expect(originFromRelative('bad/main/0.log', '/x')).toBeUndefined();
  });
});

describe('discovery on real files', () => {
  let node: Node;
  beforeEach(() => (node = tempNode()));
  afterEach(() => node.cleanup());

  it('applies include, exclude and namespace filters', async () => {
    const a = logFile(node, 'default', 'web', 'app');
    const b = logFile(node, 'default', 'web', 'sidecar');
    const c = logFile(node, 'kube-system', 'dns', 'coredns');
    const d = logFile(node, 'other', 'x', 'app');
    append(a, cri('a'));
    append(b, cri('b'));
    append(c, cri('c'));
    append(d, cri('d'));
    const engine = await startEngine(node, {
      source: {
        exclude: ['*/sidecar/*'],
        namespaces: { include: ['default', 'kube-system'], exclude: ['kube-system'] },
      },
    });
    await engine.settle();
    await engine.stop();
    expect(bodies(node)).toEqual(['a']);
    expect(readOut(node)[0].resource).toMatchObject({
      'k8s.namespace.name': 'default',
      'k8s.pod.name': 'web',
      'k8s.pod.uid': 'uid-web',
      'k8s.container.name': 'app',
      'k8s.container.restart_count': 0,
      'k8s.node.name': 'node-1',
    });
  });

  it('finds new pods and new lines through inotify, long before the rescan', async () => {
    const engine = await startEngine(node, { source: { rescanIntervalMs: 60_000 } });
    const t0 = Date.now();
    const f = logFile(node, 'default', 'late', 'app', 2);
    await new Promise((r) => setTimeout(r, 100));
    append(f, cri('first'));
    await waitFor(() => bodies(node).includes('first'), 5000, 'first line');
    append(f, cri('second'));
    await waitFor(() => bodies(node).includes('second'), 5000, 'second line');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(readOut(node)[0].resource['k8s.container.restart_count']).toBe(2);
    await engine.stop();
  });

  it('a periodic rescan finds what inotify does not report', async () => {
    const engine = await startEngine(node, { source: { rescanIntervalMs: 300 } });
    // A directory tree moved in whole: no event for the file inside.
    const staging = join(node.root, 'staging/default_moved_u1/app');
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, '0.log'), cri('moved in'));
    renameSync(join(node.root, 'staging/default_moved_u1'), join(node.logs, 'default_moved_u1'));
    await waitFor(() => bodies(node).includes('moved in'), 5000, 'rescan');
    await engine.stop();
  });
});

import { join } from 'node:path';
import { evaluate, loadManifests, parseManifestText } from '@otel-tiers/policies';
import { FIXTURES } from './helpers';

const stack = () => loadManifests([join(FIXTURES, 'good', 'stack.yaml')]);

describe('configurable allow-list, state directories and pod-log paths', () => {
  it('the default stack fails when the allow-list no longer has the containerd socket', () => {
    const report = evaluate(stack(), {
      hostPathAllowList: ['/var/log/pods', '/var/lib/podtail', '/var/lib/otelcol', '/'],
    });
    expect(report.entries.map((e) => [e.ruleId, e.message])).toEqual([
      [
        'hostpath-allow-list',
        "hostPath /run/containerd/containerd.sock (volume 'containerd') is not on the allow-list",
      ],
    ]);
  });

  it('an allow-list entry ending in /** allows a subtree; a plain entry only itself', () => {
    const kubelet = loadManifests([join(FIXTURES, 'bad', 'hostpath-allow-list--subdir-of-root.yaml')]);
    expect(evaluate(kubelet, { hostPathAllowList: ['/var/lib/kubelet'] }).entries).toEqual([]);
    expect(evaluate(kubelet, { hostPathAllowList: ['/var/lib/**'] }).entries).toEqual([]);
    expect(evaluate(kubelet, { hostPathAllowList: ['/var/lib/kubelet/pods'] }).entries).toHaveLength(1);
  });

  it('state directories decide which hostPaths may be writable', () => {
    const report = evaluate(stack(), { stateDirectories: ['/var/lib/podtail'] });
    expect(report.entries.map((e) => [e.ruleId, e.message])).toEqual([
      [
        'hostpath-read-only',
        "container 'collector' mounts hostPath /var/lib/otelcol writable at /var/lib/otelcol",
      ],
    ]);
  });

  it('pod-log paths decide who may run as root', () => {
    const report = evaluate(stack(), { podLogPaths: ['/var/log/containers'] });
    expect(report.entries.map((e) => e.ruleId)).toEqual(['root-only-for-pod-logs']);
  });

  it('root capabilities are configurable', () => {
    const report = evaluate(stack(), { rootCapabilities: [] });
    expect(report.entries.map((e) => e.message)).toEqual([
      "root container 'podtail' adds DAC_READ_SEARCH (allowed: )",
    ]);
  });

  it('agent image patterns select which DaemonSet containers need K8S_NODE_NAME', () => {
    const text = `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: fluent, namespace: logging }
spec:
  selector: { matchLabels: { app: fluent } }
  template:
    metadata: { labels: { app: fluent } }
    spec:
      securityContext: { runAsNonRoot: true, runAsUser: 1000 }
      containers:
        - name: fluent-bit
          image: fluent/fluent-bit:3.1.0
          resources: { requests: { cpu: 10m, memory: 32Mi }, limits: { memory: 64Mi } }
`;
    const resources = parseManifestText(text, 'inline.yaml');
    expect(evaluate(resources).entries).toEqual([]);
    expect(evaluate(resources, { agentImagePatterns: ['fluent-bit'] }).entries.map((e) => e.ruleId)).toEqual([
      'agent-node-name',
    ]);
  });
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { review } from '@otel-tiers/policies';
import { BIN, FIXTURES } from './helpers';

const dir = (name: string) => join(FIXTURES, 'review', name);
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30000 });

describe('review: what changed between two synth outputs', () => {
  it('finds RBAC added, hostPaths added or made writable, capabilities added, images changed, alerts removed', () => {
    const d = review(dir('base'), dir('head'));
    expect(d.rbacAdded.map((g) => `${g.role} ${g.apiGroup}/${g.resource} ${g.verb}`).sort()).toEqual([
      'ClusterRole/agent core/endpoints get',
      'ClusterRole/agent core/endpoints list',
    ]);
    expect(d.hostPaths.map((h) => `${h.container} ${h.hostPath} ${h.change}`).sort()).toEqual([
      'collector /var/lib/kubelet/pods added',
      'podtail /var/log/pods made writable',
    ]);
    expect(d.privilegesAdded.map((p) => `${p.workload} ${p.container} ${p.privilege}`)).toEqual([
      'DaemonSet/monitoring/agent collector capability NET_ADMIN',
    ]);
    expect(d.imagesChanged).toEqual([
      {
        workload: 'DaemonSet/monitoring/agent',
        container: 'collector',
        base: 'otel/opentelemetry-collector-contrib:0.115.1',
        head: 'otel/opentelemetry-collector-contrib:0.116.0',
      },
    ]);
    expect(d.alertsRemoved.map((a) => a.alert)).toEqual(['PodtailCursorWriteFailed']);
    expect(d.escalations).toBe(5);
  });

  it('finds a pod given host networking, root, privileged mode, privilege escalation, a writable root and all capabilities', () => {
    const d = review(dir('base'), dir('head-privileges'));
    expect(d.privilegesAdded.map((p) => `${p.workload} ${p.container} ${p.privilege}`).sort()).toEqual([
      'Deployment/monitoring/cluster-agent (pod) hostNetwork',
      'Deployment/monitoring/cluster-agent collector allowPrivilegeEscalation',
      'Deployment/monitoring/cluster-agent collector capabilities not dropped (no drop: ALL)',
      'Deployment/monitoring/cluster-agent collector privileged',
      'Deployment/monitoring/cluster-agent collector root',
      'Deployment/monitoring/cluster-agent collector writable root filesystem',
    ]);
    expect(d.rbacAdded).toEqual([]);
    expect(d.hostPaths).toEqual([]);
    expect(d.escalations).toBe(6);
    const r = run('review', dir('base'), dir('head-privileges'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('| `Deployment/monitoring/cluster-agent` | collector | privileged |');
  });

  it('the same output twice has nothing to review', () => {
    const d = review(dir('base'), dir('base'));
    expect(d.escalations).toBe(0);
    expect(d.imagesChanged).toEqual([]);
    expect(d.alertsRemoved).toEqual([]);
  });

  it('the CLI prints Markdown and exits 1 on an escalation', () => {
    const r = run('review', dir('base'), dir('head'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^## Infrastructure review: /);
    expect(r.stdout).toContain('**5 escalation(s)** widen access');
    expect(r.stdout).toContain('### RBAC permissions added (escalation)');
    expect(r.stdout).toContain('| `ClusterRole/agent` | core | endpoints | list |');
    expect(r.stdout).toContain(
      '| `DaemonSet/monitoring/agent` | podtail | `/var/log/pods` | `/var/log/pods` | **writable** | made writable |',
    );
    expect(r.stdout).toContain('| `DaemonSet/monitoring/agent` | collector | capability NET_ADMIN |');
    expect(r.stdout).toContain('### Images changed');
    expect(r.stdout).toContain('### Alerts removed');
    expect(r.stdout).toContain('| `PodtailCursorWriteFailed` |');
  });

  it('--allow-escalation reports the same and exits 0', () => {
    const r = run('review', '--allow-escalation', dir('base'), dir('head'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('(allowed with `--allow-escalation`)');
  });

  it('an image bump and a replica change alone are no escalation (exit 0)', () => {
    const r = run('review', dir('base'), dir('head-image-only'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No escalation.');
    expect(r.stdout).toContain('| `Deployment/monitoring/gateway` | collector |');
    expect(r.stdout).not.toContain('(escalation)');
  });

  it('needs exactly two directories', () => {
    const r = run('review', dir('base'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('review needs exactly two paths: BASE_DIR HEAD_DIR');
  });
});

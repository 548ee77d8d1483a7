import type { ReviewDiff } from './diff';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

function section(title: string, headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return [];
  return [
    `### ${title}`,
    '',
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  ];
}

/** The review as Markdown, for a pull-request comment. */
export function formatReviewMarkdown(
  diff: ReviewDiff,
  labels: { base: string; head: string },
  allowed: boolean,
): string {
  const out: string[] = [`## Infrastructure review: ${code(labels.base)} → ${code(labels.head)}`, ''];
  const nothing =
    diff.escalations === 0 && diff.imagesChanged.length === 0 && diff.alertsRemoved.length === 0;
  if (nothing) {
    out.push('Nothing a reviewer must look at: no RBAC, hostPath, privilege, image or alert changes.', '');
    return out.join('\n');
  }
  if (diff.escalations > 0) {
    out.push(
      `**${diff.escalations} escalation(s)** widen access` +
        (allowed
          ? ' (allowed with `--allow-escalation`).'
          : ': approve explicitly, then re-run with `--allow-escalation`.'),
      '',
    );
  } else {
    out.push('No escalation.', '');
  }
  out.push(
    ...section(
      'RBAC permissions added (escalation)',
      ['Role', 'API group', 'Resource', 'Verb'],
      diff.rbacAdded.map((g) => [code(g.role), g.apiGroup, g.resource, g.verb]),
    ),
    ...section(
      'RBAC bindings added (escalation)',
      ['Binding', 'Role', 'Subject'],
      diff.bindingsAdded.map((b) => [code(b.binding), b.roleRef, b.subject]),
    ),
    ...section(
      'hostPaths added or made writable (escalation)',
      ['Workload', 'Container', 'hostPath', 'Mounted at', 'Access', 'Change'],
      diff.hostPaths.map((h) => [
        code(h.workload),
        h.container,
        code(h.hostPath),
        code(h.mountPath),
        h.readOnly ? 'read-only' : '**writable**',
        h.change,
      ]),
    ),
    ...section(
      'Privileges and capabilities added (escalation)',
      ['Workload', 'Container', 'Privilege'],
      diff.privilegesAdded.map((p) => [code(p.workload), p.container, p.privilege]),
    ),
    ...section(
      'Images changed',
      ['Workload', 'Container', 'Base', 'Head'],
      diff.imagesChanged.map((i) => [
        code(i.workload),
        i.container,
        i.base ? code(i.base) : '(new)',
        code(i.head),
      ]),
    ),
    ...section(
      'Alerts removed',
      ['Alert', 'Was in'],
      diff.alertsRemoved.map((a) => [code(a.alert), a.source]),
    ),
  );
  return out.join('\n');
}

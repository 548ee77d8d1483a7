import type { PolicyRule } from '../model/kube-types';

/**
 * Merges rules: one rule per (apiGroup, resource) or non-resource URL, verbs unioned and
 * sorted; throws on a wildcard (least privilege: every grant names what it is for).
 */
export function mergeRules(owner: string, rules: readonly PolicyRule[]): PolicyRule[] {
  const byResource = new Map<string, Set<string>>();
  const byUrl = new Map<string, Set<string>>();
  for (const r of rules) {
    const all = [...(r.apiGroups ?? []), ...(r.resources ?? []), ...(r.nonResourceURLs ?? []), ...r.verbs];
    if (all.some((x) => x === '*' || x.includes('*'))) {
      throw new Error(
        `${owner}: RBAC rule ${JSON.stringify(r)} uses a wildcard; name the API groups, resources and verbs the component needs`,
      );
    }
    if (r.resourceNames?.length) {
      throw new Error(
        `${owner}: RBAC rule ${JSON.stringify(r)} uses resourceNames, which the tiers do not merge; grant by resource`,
      );
    }
    for (const url of r.nonResourceURLs ?? [])
      byUrl.set(url, new Set([...(byUrl.get(url) ?? []), ...r.verbs]));
    for (const g of r.apiGroups ?? []) {
      for (const res of r.resources ?? []) {
        const k = `${g}\u0000${res}`;
        byResource.set(k, new Set([...(byResource.get(k) ?? []), ...r.verbs]));
      }
    }
  }
  // Group resources of one API group with the same verbs into one rule.
  const grouped = new Map<string, { group: string; verbs: string[]; resources: string[] }>();
  for (const [k, verbs] of byResource) {
    const [group, res] = k.split('\u0000');
    const v = [...verbs].sort();
    const gk = `${group}\u0000${v.join(',')}`;
    const e = grouped.get(gk) ?? { group, verbs: v, resources: [] };
    e.resources.push(res);
    grouped.set(gk, e);
  }
  const out: PolicyRule[] = [...grouped.values()]
    .sort((a, b) => a.group.localeCompare(b.group) || a.verbs.join().localeCompare(b.verbs.join()))
    .map((e) => ({ apiGroups: [e.group], resources: e.resources.sort(), verbs: e.verbs }));
  for (const [url, verbs] of [...byUrl].sort())
    out.push({ nonResourceURLs: [url], verbs: [...verbs].sort() });
  return out;
}

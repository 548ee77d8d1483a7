import { asArray, asString, at, isObject, resourceId, type Resource } from '../manifest/resource';
import { hostPathMounts, runsAsRoot, toWorkload } from '../manifest/workload';
import { policyRules } from '../rules/rbac';

/** One RBAC grant: a verb on a resource of an API group (or a non-resource URL), by a role. */
export interface RbacGrant {
  readonly role: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly verb: string;
}

export interface BindingGrant {
  readonly binding: string;
  readonly roleRef: string;
  readonly subject: string;
}

export interface HostPathUse {
  readonly workload: string;
  readonly container: string;
  readonly hostPath: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
}

/** A privilege a container (or its pod) holds, e.g. `privileged`, `root`, `cap:NET_ADMIN`, `hostNetwork`. */
export interface Privilege {
  readonly workload: string;
  readonly container: string;
  readonly privilege: string;
}

export interface ImageUse {
  readonly workload: string;
  readonly container: string;
  readonly image: string;
}

export interface AlertDef {
  readonly alert: string;
  readonly source: string;
}

/** What a review compares: the security-relevant facts of one synth output. */
export interface Inventory {
  readonly rbac: RbacGrant[];
  readonly bindings: BindingGrant[];
  readonly hostPaths: HostPathUse[];
  readonly privileges: Privilege[];
  readonly images: ImageUse[];
  readonly alerts: AlertDef[];
}

export function inventoryOf(resources: readonly Resource[]): Inventory {
  const inv: Inventory = { rbac: [], bindings: [], hostPaths: [], privileges: [], images: [], alerts: [] };
  for (const r of resources) {
    const id = resourceId(r);
    for (const rule of policyRules(r)) {
      const groups = rule.apiGroups.length > 0 ? rule.apiGroups : [''];
      for (const verb of rule.verbs) {
        for (const url of rule.nonResourceURLs)
          inv.rbac.push({ role: id, apiGroup: '(non-resource)', resource: url, verb });
        for (const g of groups) {
          for (const res of rule.resources) {
            const named = rule.resourceNames.length > 0 ? `${res} (${rule.resourceNames.join(', ')})` : res;
            inv.rbac.push({ role: id, apiGroup: g === '' ? 'core' : g, resource: named, verb });
          }
        }
      }
    }
    if ((r.kind === 'RoleBinding' || r.kind === 'ClusterRoleBinding') && r.apiVersion.startsWith('rbac.')) {
      const roleRef = `${asString(at(r.object, 'roleRef', 'kind')) ?? '?'}/${asString(at(r.object, 'roleRef', 'name')) ?? '?'}`;
      for (const s of asArray(at(r.object, 'subjects'))) {
        if (!isObject(s)) continue;
        const ns = asString(s.namespace);
        inv.bindings.push({
          binding: id,
          roleRef,
          subject: `${String(s.kind)}/${ns ? `${ns}/` : ''}${String(s.name)}`,
        });
      }
    }
    if (r.kind === 'PrometheusRule') {
      for (const g of asArray(at(r.object, 'spec', 'groups'))) {
        for (const rule of asArray(at(g, 'rules'))) {
          const alert = asString(at(rule, 'alert'));
          if (alert) inv.alerts.push({ alert, source: `${id} group ${String(at(g, 'name'))}` });
        }
      }
    }
    const w = toWorkload(r);
    if (!w) continue;
    for (const m of hostPathMounts(w)) {
      inv.hostPaths.push({
        workload: id,
        container: m.container.name,
        hostPath: m.volume.hostPath,
        mountPath: m.mountPath,
        readOnly: m.readOnly,
      });
    }
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      if (w.podSpec[f] === true) inv.privileges.push({ workload: id, container: '(pod)', privilege: f });
    }
    for (const c of w.containers) {
      const sc = at(c.object, 'securityContext');
      const add = (privilege: string) => inv.privileges.push({ workload: id, container: c.name, privilege });
      if (at(sc, 'privileged') === true) add('privileged');
      if (at(sc, 'allowPrivilegeEscalation') === true) add('allowPrivilegeEscalation');
      if (runsAsRoot(w, c)) add('root');
      if (at(sc, 'readOnlyRootFilesystem') !== true) add('writable root filesystem');
      const drop = asArray(at(sc, 'capabilities', 'drop')).map(String);
      if (!drop.includes('ALL')) add('capabilities not dropped (no drop: ALL)');
      for (const cap of asArray(at(sc, 'capabilities', 'add')))
        add(`capability ${String(cap).replace(/^CAP_/, '')}`);
      const image = asString(c.object.image);
      if (image) inv.images.push({ workload: id, container: c.name, image });
    }
  }
  return inv;
}

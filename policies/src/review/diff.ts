import type {
  AlertDef,
  BindingGrant,
  HostPathUse,
  ImageUse,
  Inventory,
  Privilege,
  RbacGrant,
} from './inventory';

export interface HostPathChange extends HostPathUse {
  readonly change: 'added' | 'made writable';
}

export interface ImageChange {
  readonly workload: string;
  readonly container: string;
  readonly base?: string;
  readonly head: string;
}

/** What changed between two synth outputs that a reviewer must look at. */
export interface ReviewDiff {
  readonly rbacAdded: RbacGrant[];
  readonly bindingsAdded: BindingGrant[];
  readonly hostPaths: HostPathChange[];
  readonly privilegesAdded: Privilege[];
  readonly imagesChanged: ImageChange[];
  readonly alertsRemoved: AlertDef[];
  /** Changes that widen access: RBAC, bindings, hostPaths, privileges. */
  readonly escalations: number;
}

const rbacKey = (g: RbacGrant) => `${g.role}|${g.apiGroup}|${g.resource}|${g.verb}`;
const bindingKey = (b: BindingGrant) => `${b.binding}|${b.roleRef}|${b.subject}`;
const mountKey = (h: HostPathUse) => `${h.workload}|${h.container}|${h.hostPath}|${h.mountPath}`;
const privKey = (p: Privilege) => `${p.workload}|${p.container}|${p.privilege}`;
const imageKey = (i: ImageUse) => `${i.workload}|${i.container}`;

function added<T>(base: readonly T[], head: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set(base.map(key));
  const out = new Map<string, T>();
  for (const h of head) if (!seen.has(key(h))) out.set(key(h), h);
  return [...out.values()];
}

export function diffInventories(base: Inventory, head: Inventory): ReviewDiff {
  const rbacAdded = added(base.rbac, head.rbac, rbacKey);
  const bindingsAdded = added(base.bindings, head.bindings, bindingKey);
  const privilegesAdded = added(base.privileges, head.privileges, privKey);

  const baseMounts = new Map(base.hostPaths.map((h) => [mountKey(h), h]));
  const hostPaths: HostPathChange[] = [];
  for (const h of head.hostPaths) {
    const b = baseMounts.get(mountKey(h));
    if (!b) hostPaths.push({ ...h, change: 'added' });
    else if (b.readOnly && !h.readOnly) hostPaths.push({ ...h, change: 'made writable' });
  }

  const baseImages = new Map(base.images.map((i) => [imageKey(i), i.image]));
  const imagesChanged: ImageChange[] = [];
  for (const i of head.images) {
    const b = baseImages.get(imageKey(i));
    if (b === i.image) continue;
    imagesChanged.push({
      workload: i.workload,
      container: i.container,
      ...(b !== undefined ? { base: b } : {}),
      head: i.image,
    });
  }

  const headAlerts = new Set(head.alerts.map((a) => a.alert));
  const alertsRemoved = base.alerts.filter((a) => !headAlerts.has(a.alert));

  return {
    rbacAdded,
    bindingsAdded,
    hostPaths,
    privilegesAdded,
    imagesChanged,
    alertsRemoved,
    escalations: rbacAdded.length + bindingsAdded.length + hostPaths.length + privilegesAdded.length,
  };
}

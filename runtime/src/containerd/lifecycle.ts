import type { AttributeValue, PodtailRecord } from '../pipeline/record';
import type { ContainerEntry } from './store';

/** The `event.name` values of container lifecycle records. */
export const LIFECYCLE_EVENTS = {
  start: 'container.start',
  exit: 'container.exit',
  oom: 'container.oom',
} as const;

export type LifecycleKind = keyof typeof LIFECYCLE_EVENTS;

/** OTLP severity numbers used for lifecycle records. */
const SEVERITY = { INFO: 9, WARN: 13, ERROR: 17 } as const;

export interface LifecycleDetails {
  readonly kind: LifecycleKind;
  /** When it happened, nanoseconds since the epoch as a decimal string. */
  readonly timeUnixNano: string;
  readonly pid?: number;
  readonly exitStatus?: number;
  /** `event` (from the stream) or `reconcile` (seen by re-listing after a reconnect). */
  readonly source: 'event' | 'reconcile';
}

export function nowNano(): string {
  return (BigInt(Date.now()) * 1_000_000n).toString();
}

export function timestampToNano(ts: { seconds: number; nanos: number } | undefined): string {
  if (!ts || (!ts.seconds && !ts.nanos)) return nowNano();
  return (BigInt(ts.seconds) * 1_000_000_000n + BigInt(ts.nanos)).toString();
}

function isoFromNano(nano: string): string {
  return new Date(Number(BigInt(nano) / 1_000_000n)).toISOString();
}

/** The container name used in record bodies: the Kubernetes name, else the containerd id. */
export function displayName(e: ContainerEntry): string {
  return e.identity.containerName ?? e.id;
}

/**
 * Resource attributes of a container, from its containerd labels: the pod and container
 * identity the kubelet wrote (`io.kubernetes.*`) and `container.id`.
 */
export function containerResource(e: ContainerEntry, nodeName: string): Record<string, AttributeValue> {
  const r: Record<string, AttributeValue> = {
    'container.id': e.id,
    'container.runtime.name': 'containerd',
  };
  if (nodeName) r['k8s.node.name'] = nodeName;
  if (e.identity.podNamespace) r['k8s.namespace.name'] = e.identity.podNamespace;
  if (e.identity.podName) r['k8s.pod.name'] = e.identity.podName;
  if (e.identity.podUid) r['k8s.pod.uid'] = e.identity.podUid;
  if (e.identity.containerName) r['k8s.container.name'] = e.identity.containerName;
  if (e.image) r['container.image.name'] = e.image;
  return r;
}

/** Builds the record for one lifecycle event of a container. */
export function lifecycleRecord(e: ContainerEntry, d: LifecycleDetails, nodeName: string): PodtailRecord {
  const name = displayName(e);
  const attributes: Record<string, AttributeValue> = {
    'event.name': LIFECYCLE_EVENTS[d.kind],
    'containerd.namespace': e.namespace,
    'podtail.lifecycle.source': d.source,
  };
  if (d.pid) attributes['process.pid'] = d.pid;
  let body: string;
  let severityText: keyof typeof SEVERITY = 'INFO';
  switch (d.kind) {
    case 'start':
      body = `container ${name} started${d.pid ? ` (pid ${d.pid})` : ''}`;
      break;
    case 'exit': {
      const status = d.exitStatus;
      if (status !== undefined) {
        attributes['process.exit.code'] = status;
        body = `container ${name} exited with status ${status}`;
        if (status !== 0) severityText = 'WARN';
      } else {
        body = `container ${name} exited (status unknown)`;
        severityText = 'WARN';
      }
      if (e.oomKilled) {
        attributes['container.oom_killed'] = true;
        body += ' after an OOM kill';
      }
      attributes['process.exit.time'] = isoFromNano(d.timeUnixNano);
      break;
    }
    case 'oom':
      body = `container ${name} OOM killed`;
      severityText = 'ERROR';
      attributes['container.oom_killed'] = true;
      break;
  }
  return {
    timeUnixNano: d.timeUnixNano,
    observedTimeUnixNano: nowNano(),
    severityText,
    severityNumber: SEVERITY[severityText],
    body,
    attributes,
    resource: containerResource(e, nodeName),
  };
}

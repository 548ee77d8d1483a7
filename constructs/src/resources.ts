import type { KubeResources } from './model/kube-types';

/** Bytes of a Kubernetes memory quantity (`512Mi`, `1Gi`, `1G`, `1000000`). */
export function memoryBytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  if (!m) throw new Error(`memory quantity '${quantity}' is not valid; use e.g. 512Mi or 2Gi`);
  const mult: Record<string, number> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Math.floor(Number(m[1]) * (m[2] ? mult[m[2]] : 1));
}

/**
 * GOMEMLIMIT for a Go process with this memory limit: 80% of it, in MiB, leaving headroom
 * for non-heap memory so the runtime collects garbage before the kernel OOM-kills it.
 */
export function goMemLimit(limit: string, percent = 80): string {
  return `${Math.floor((memoryBytes(limit) * percent) / 100 / 1024 ** 2)}MiB`;
}

/** Throws unless requests and limits have cpu and memory and the memory limit is set. */
export function assertResources(owner: string, prop: string, r: KubeResources): void {
  if (!r.limits?.memory) {
    throw new Error(
      `${owner}: ${prop}.limits.memory is not set; set a memory limit (e.g. 512Mi): GOMEMLIMIT and the memory_limiter derive from it`,
    );
  }
  memoryBytes(r.limits.memory);
  if (!r.requests?.cpu || !r.requests?.memory) {
    throw new Error(
      `${owner}: ${prop}.requests needs cpu and memory (e.g. { cpu: '100m', memory: '256Mi' })`,
    );
  }
}

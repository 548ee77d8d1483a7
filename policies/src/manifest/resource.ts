/** A JSON object as parsed from YAML. */
export type JsonObject = { [key: string]: unknown };

/** One Kubernetes object read from a manifest file. */
export interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** `metadata.namespace`, if set. */
  readonly namespace?: string;
  /** The file it came from. */
  readonly file: string;
  /** Its index among the documents of that file (0-based). */
  readonly index: number;
  /** The whole object. */
  readonly object: JsonObject;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a dotted path of plain keys, or undefined. */
export function at(root: unknown, ...path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (Array.isArray(v) && typeof key === 'number') v = v[key];
    else if (isObject(v) && typeof key === 'string') v = v[key];
    else return undefined;
  }
  return v;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asObject(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `Kind/namespace/name` (or `Kind/name` when cluster-scoped): how reports name a resource. */
export function resourceId(r: Pick<Resource, 'kind' | 'name' | 'namespace'>): string {
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
}

export function annotations(r: Resource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(at(r.object, 'metadata', 'annotations')))) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

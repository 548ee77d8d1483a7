import type { z } from 'zod';

/** A zod issue as this module reads it (the fields zod 4 sets on the codes handled here). */
interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  readonly errors?: readonly (readonly Issue[])[];
}

/** Edit distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The known key closest to `key` (case-insensitive prefix or at most a third of its letters off). */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const n = name.toLowerCase();
    const d = n.startsWith(k) || k.startsWith(n) ? Math.min(1, editDistance(k, n)) : editDistance(k, n);
    if (!best || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  return best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

/** A short, safe rendering of a value for messages (class instances by name, long values cut). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
    const ctor = proto?.constructor?.name;
    if (!Array.isArray(v) && ctor && ctor !== 'Object') return `[${ctor}]`;
  }
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function pathText(root: string, path: readonly PropertyKey[]): string {
  let s = root;
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

/** For a union (`X | false`), the branch the user meant: the one not failing at its own root. */
function meantBranch(issue: Issue): readonly Issue[] | undefined {
  const branches = issue.errors ?? [];
  const deep = branches.filter(
    (b) =>
      b.length > 0 &&
      b.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys' || i.code === 'custom'),
  );
  return deep.length === 1 ? deep[0] : undefined;
}

function flatten(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): Issue[] {
  const out: Issue[] = [];
  for (const i of issues) {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_union') {
      const branch = meantBranch(i);
      if (branch) {
        out.push(...flatten(branch, path));
        continue;
      }
    }
    out.push({ ...i, path });
  }
  return out;
}

/** The keys an object schema knows at `path` (for "did you mean"). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  const unwrap = (x: unknown): unknown => {
    for (let n = 0; n < 10; n++) {
      const def = (x as { def?: Record<string, unknown> } | undefined)?.def;
      if (!def) return x;
      if (def.type === 'object') return x;
      if (def.type === 'union') {
        const obj = (def.options as unknown[])
          .map(unwrap)
          .find((o) => (o as { def?: { type?: string } } | undefined)?.def?.type === 'object');
        return obj ?? x;
      }
      x = def.innerType ?? def.in ?? def.schema ?? def.element;
      if (!x) return undefined;
    }
    return x;
  };
  s = unwrap(s);
  for (const p of path) {
    const def = (s as { def?: Record<string, unknown> } | undefined)?.def;
    if (!def) return [];
    if (def.type === 'object') s = unwrap((def.shape as Record<string, unknown>)[String(p)]);
    else if (def.type === 'array') s = unwrap(def.element);
    else if (def.type === 'record') s = unwrap(def.valueType);
    else return [];
  }
  const def = (s as { def?: Record<string, unknown> } | undefined)?.def;
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

/**
 * One line per problem: `<owner>: <root>.<path> = <value>: <what is wrong and the fix>`, or for
 * unknown keys `<owner>: <root>.<key> is not a prop (did you mean <known>?)`.
 */
export function formatPropIssues(
  owner: string,
  root: string,
  schema: z.ZodType,
  input: unknown,
  issues: readonly Issue[],
): string[] {
  const lines: string[] = [];
  for (const i of flatten(issues)) {
    if (i.code === 'unrecognized_keys') {
      const known = knownKeys(schema, i.path);
      for (const key of i.keys ?? []) {
        const hint = closestKey(key, known);
        const where = pathText(root, [...i.path, key]);
        const what = i.path.length ? `is not a key of ${pathText(root, i.path)}` : 'is not a prop';
        lines.push(
          `${owner}: ${where} ${what} (${hint ? `did you mean ${hint}?` : `known: ${known.join(', ') || 'none'}`})`,
        );
      }
      continue;
    }
    const value = valueAt(input, i.path);
    lines.push(`${owner}: ${pathText(root, i.path)} = ${describeValue(value)}: ${i.message}`);
  }
  return lines;
}

/** Error thrown when props fail validation; `problems` has one line per problem. */
export class PropsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'PropsError';
  }
}

/**
 * Parses `input` with `schema` (defaults applied); throws a `PropsError` naming `owner` (e.g.
 * `GatewayTier 'gateway'`), each bad path under `root` (`props`, `options`), its value and the fix.
 */
export function parseProps<S extends z.ZodType>(
  owner: string,
  root: string,
  schema: S,
  input: unknown,
): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new PropsError(formatPropIssues(owner, root, schema, input, r.error.issues as unknown as Issue[]));
}

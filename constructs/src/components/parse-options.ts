import type { z } from 'zod';

/** Parses builder options with zod; the error names the component and each bad key with its fix. */
export function parseOptions<S extends z.ZodType>(component: string, schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const key = i.path.length ? i.path.join('.') : '(options)';
    let got = '';
    let v: unknown = input;
    for (const p of i.path)
      v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
    if (v !== undefined) got = ` (got ${JSON.stringify(v)})`;
    return `${key}: ${i.message}${got}`;
  });
  throw new Error(`invalid options for ${component}:\n  - ${problems.join('\n  - ')}`);
}

/** A Go duration as the collector parses it: `200ms`, `10s`, `1m30s`. */
export const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** Drops keys whose value is undefined, so the YAML has no `null`s. */
export function compact<T extends Record<string, unknown>>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

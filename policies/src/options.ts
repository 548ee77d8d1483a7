import { z } from 'zod';
import { SEVERITIES } from './severity';

const absolutePath = z.string().regex(/^\//, { message: 'must be an absolute path, e.g. /var/lib/podtail' });

/** A global override of one rule: switch it off, or change its severity; the reason is mandatory. */
export const ruleOverrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    severity: z.enum(SEVERITIES).optional(),
    reason: z
      .string()
      .trim()
      .min(1, { message: 'say why the rule is overridden (it is printed in the report)' }),
  })
  .strict()
  .refine((o) => o.enabled !== undefined || o.severity !== undefined, {
    message: "set 'enabled: false' or a 'severity'",
  });

/**
 * Options of the rule engine: the same object is the plugin's `properties` in cdk8s.yaml and the
 * CLI's `--config` file.
 */
export const policyOptionsSchema = z
  .object({
    /** Per-rule overrides, by rule id. */
    rules: z.record(z.string(), ruleOverrideSchema).default({}),
    /** hostPaths a workload may mount. An entry ending in `/**` also allows everything below it. */
    hostPathAllowList: z
      .array(absolutePath)
      .default([
        '/var/log/pods',
        '/var/lib/podtail',
        '/var/lib/otelcol',
        '/run/containerd/containerd.sock',
        '/var/run/containerd/containerd.sock',
        '/',
      ]),
    /** hostPaths (and everything below them) that may be mounted writable: state directories. */
    stateDirectories: z.array(absolutePath).default(['/var/lib/podtail', '/var/lib/otelcol']),
    /** hostPaths holding pod logs: a container that mounts one may run as root (with only DAC_READ_SEARCH). */
    podLogPaths: z.array(absolutePath).default(['/var/log/pods']),
    /** Capabilities a root pod-log reader may add (after dropping ALL). */
    rootCapabilities: z.array(z.string()).default(['DAC_READ_SEARCH']),
    /** Regular expressions over container images that mark a node agent (collector or podtail) container. */
    agentImagePatterns: z.array(z.string()).default(['opentelemetry-collector', 'otelcol', 'podtail']),
    /** The lowest severity that fails a check. */
    failOn: z.enum(SEVERITIES).default('error'),
  })
  .strict();

export type PolicyOptionsInput = z.input<typeof policyOptionsSchema>;
export type PolicyOptions = z.output<typeof policyOptionsSchema>;
export type RuleOverride = z.output<typeof ruleOverrideSchema>;

/** Options that failed validation; the message names each key, its value and the fix. */
export class PolicyOptionsError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid policy options (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyOptionsError';
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): string {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return '';
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v === undefined ? ' (missing)' : ` (got ${JSON.stringify(v)})`;
}

/** Validates options; unknown rule ids are rejected too (a typo must not silently keep a rule on). */
export function parsePolicyOptions(
  input: unknown,
  source: string,
  knownRules: readonly string[],
): PolicyOptions {
  const result = policyOptionsSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new PolicyOptionsError(
      source,
      result.error.issues.map(
        (i) => `${i.path.join('.') || '(root)'}${valueAt(input, i.path)}: ${i.message}`,
      ),
    );
  }
  const unknown = Object.keys(result.data.rules).filter((id) => !knownRules.includes(id));
  if (unknown.length > 0) {
    throw new PolicyOptionsError(
      source,
      unknown.map((id) => `rules.${id}: no such rule; known rules: ${knownRules.join(', ')}`),
    );
  }
  for (const p of result.data.agentImagePatterns) {
    try {
      new RegExp(p);
    } catch (e) {
      throw new PolicyOptionsError(source, [
        `agentImagePatterns (got ${JSON.stringify(p)}): ${(e as Error).message}`,
      ]);
    }
  }
  return result.data;
}

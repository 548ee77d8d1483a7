import { annotations, type Resource } from './manifest/resource';
import { SEVERITIES, type Severity } from './severity';

/** Annotation prefix for per-resource overrides. */
export const ANNOTATION_PREFIX = 'policies.otel-tiers.io/';

/** A per-resource override read from an annotation. */
export type AnnotationOverride =
  | { readonly kind: 'skip'; readonly ruleId: string; readonly reason: string; readonly annotation: string }
  | {
      readonly kind: 'severity';
      readonly ruleId: string;
      readonly severity: Severity;
      readonly reason: string;
      readonly annotation: string;
    };

/** An annotation that looks like an override but is not a valid one. */
export interface InvalidOverride {
  readonly annotation: string;
  readonly problem: string;
}

/**
 * Reads `policies.otel-tiers.io/skip.<rule-id>: "<reason>"` and
 * `policies.otel-tiers.io/severity.<rule-id>: "<error|warning|info>: <reason>"`.
 */
export function readAnnotationOverrides(
  r: Resource,
  knownRules: readonly string[],
): { overrides: AnnotationOverride[]; invalid: InvalidOverride[] } {
  const overrides: AnnotationOverride[] = [];
  const invalid: InvalidOverride[] = [];
  for (const [key, value] of Object.entries(annotations(r))) {
    if (!key.startsWith(ANNOTATION_PREFIX)) continue;
    const name = key.slice(ANNOTATION_PREFIX.length);
    const m = /^(skip|severity)\.(.+)$/.exec(name);
    if (!m) {
      invalid.push({
        annotation: key,
        problem: `unknown override '${name}'; use ${ANNOTATION_PREFIX}skip.<rule-id> or ${ANNOTATION_PREFIX}severity.<rule-id>`,
      });
      continue;
    }
    const [, kind, ruleId] = m;
    if (!knownRules.includes(ruleId)) {
      invalid.push({
        annotation: key,
        problem: `no rule '${ruleId}'; known rules: ${knownRules.join(', ')}`,
      });
      continue;
    }
    if (kind === 'skip') {
      const reason = value.trim();
      if (!reason) {
        invalid.push({
          annotation: key,
          problem: 'the value must say why the rule is skipped (it is printed in the report)',
        });
        continue;
      }
      overrides.push({ kind: 'skip', ruleId, reason, annotation: key });
    } else {
      const sm = /^\s*([a-z]+)\s*:\s*(.*\S)\s*$/.exec(value);
      const severity = sm?.[1] as Severity | undefined;
      if (!sm || !severity || !SEVERITIES.includes(severity)) {
        invalid.push({
          annotation: key,
          problem: `value ${JSON.stringify(value)} must be '<${SEVERITIES.join('|')}>: <reason>'`,
        });
        continue;
      }
      overrides.push({ kind: 'severity', ruleId, severity, reason: sm[2], annotation: key });
    }
  }
  return { overrides, invalid };
}

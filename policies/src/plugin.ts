import { readFileSync } from 'node:fs';
import { evaluate, type ReportEntry } from './engine';
import { parseManifestText } from './manifest/load-manifests';
import type { Resource } from './manifest/resource';
import { parsePolicyOptions } from './options';
import { RULES } from './rules';

/*
 * The shapes of cdk8s-cli's validation plugin contract (cdk8s-cli/plugins), restated structurally so this
 * package needs no dependency on the CLI. cdk8s loads the plugin with `require`, instantiates the class with
 * the `properties` of its `validations:` entry and calls `validate(context)`.
 */

/** One resource in a cdk8s violation. cdk8s looks `resourceName` up in the construct metadata. */
export interface PluginViolatingResource {
  readonly resourceName: string;
  readonly locations: readonly string[];
  readonly manifestPath: string;
}

export interface PluginViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly PluginViolatingResource[];
}

export interface PluginReport {
  addViolation(violation: PluginViolation): void;
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
}

export interface PluginContext {
  readonly manifests: readonly string[];
  /** Construct metadata by resource name (cdk8s records it when validations are configured). */
  readonly metadata?: { readonly [name: string]: { readonly path: string } };
  readonly report: PluginReport;
  readonly logger?: { log(message: string): void };
}

/**
 * The cdk8s validation plugin. In cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./policies
 *     version: 0.1.0
 *     class: PoliciesValidation
 *     properties: { rules: { image-pinned: { severity: warning, reason: "..." } } }
 * ```
 */
export class PoliciesValidation {
  private readonly properties: unknown;

  constructor(properties: unknown = {}) {
    // fail at load time, naming the key, when the properties are wrong
    parsePolicyOptions(
      properties,
      'cdk8s.yaml validations[].properties',
      RULES.map((r) => r.id),
    );
    this.properties = properties;
  }

  async validate(context: PluginContext): Promise<void> {
    const resources: Resource[] = [];
    for (const file of context.manifests)
      resources.push(...parseManifestText(readFileSync(file, 'utf8'), file));
    const report = evaluate(resources, this.properties);

    const groups = new Map<string, ReportEntry[]>();
    for (const e of report.entries) {
      const key = `${e.ruleId} [${e.severity}]`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    for (const [ruleName, entries] of groups) {
      context.report.addViolation({
        ruleName,
        recommendation:
          RULES.find((r) => r.id === entries[0].ruleId)?.description ?? entries[0].recommendation,
        fix: `${entries[0].recommendation} If it is intended, annotate the resource with policies.otel-tiers.io/skip.${entries[0].ruleId}: "<reason>".`,
        violatingResources: entries.map((e) => ({
          resourceName: e.name,
          manifestPath: e.file,
          locations: [
            `${e.resource} ${e.location}: ${e.message}` +
              (e.override ? ` (severity ${e.defaultSeverity} -> ${e.severity}: ${e.override.reason})` : ''),
          ],
        })),
      });
    }
    const metadata: Record<string, string> = {
      Resources: String(report.resourceCount),
      Errors: String(report.counts.error),
      Warnings: String(report.counts.warning),
      'Fails on': report.failOn,
    };
    report.suppressed.forEach((s, i) => {
      metadata[`Suppressed ${i + 1}`] =
        `${s.ruleId} on ${s.resource} (${s.override.key}): ${s.override.reason}`;
    });
    report.disabledRules.forEach((d) => {
      metadata[`Disabled ${d.ruleId}`] = d.reason;
    });
    context.report.submit(report.failed ? 'failure' : 'success', metadata);
  }
}

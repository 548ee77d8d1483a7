import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { podtailConfigSchema, type PodtailConfig } from './schema';

/** A config that failed validation: every problem, each naming its key, value and fix. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid podtail config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Replaces `${NAME}` with the environment variable NAME; a missing variable is an error. */
export function expandEnv(text: string, env: NodeJS.ProcessEnv, missing: string[]): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined) {
      missing.push(name);
      return '';
    }
    return v;
  });
}

function describeValue(root: unknown, path: readonly PropertyKey[]): string {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return '';
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  if (v === undefined) return ' (missing)';
  const s = JSON.stringify(v);
  return ` (got ${s && s.length > 80 ? s.slice(0, 77) + '...' : s})`;
}

/** Validates an already parsed config object. Throws ConfigError listing every problem. */
export function validateConfig(raw: unknown, source = '<inline>'): PodtailConfig {
  const result = podtailConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue: z.core.$ZodIssue) => {
    const key = issue.path.length ? issue.path.join('.') : '(root)';
    return `${key}: ${issue.message}${describeValue(raw, issue.path)}`;
  });
  throw new ConfigError(source, problems);
}

/** Parses YAML text (with `${ENV}` expansion) and validates it. */
export function parseConfig(
  text: string,
  source = '<inline>',
  env: NodeJS.ProcessEnv = process.env,
): PodtailConfig {
  const missing: string[] = [];
  const expanded = expandEnv(text, env, missing);
  if (missing.length) {
    throw new ConfigError(
      source,
      missing.map(
        (n) =>
          `environment variable ${n} is referenced as \${${n}} but not set: set it or remove the reference`,
      ),
    );
  }
  let raw: unknown;
  try {
    raw = parse(expanded);
  } catch (e) {
    throw new ConfigError(source, [`not valid YAML: ${(e as Error).message}`]);
  }
  return validateConfig(raw, source);
}

/** Reads, expands and validates a config file. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): PodtailConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(path, [`cannot read the file: ${(e as Error).message}`]);
  }
  return parseConfig(text, path, env);
}

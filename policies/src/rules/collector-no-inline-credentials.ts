import { isObject } from '../manifest/resource';
import { finder, type Finding, type Rule } from '../rule';

const find = finder('collector-no-inline-credentials');

// Keep SECRET_KEY, NOT_SECRET_KEY, SECRET_HEADER and SCHEME consistent with the synth-time check
// of the construct library (constructs/src/model/inline-credentials.ts), which applies the same
// rule to each tier's collector config; the two packages do not import each other.

const SECRET_KEY = /(password|passwd|secret|token|api_?key|apikey|credential|access_key|private_key|auth)/i;
const NOT_SECRET_KEY =
  /(_file|_path|_url|_uri|_endpoint|_type|_name|_id|_env|_header|_interval|_timeout|_ttl|authenticator|^auth$|auth_type)$/i;
const SECRET_HEADER = /(authorization|api[-_]?key|token|secret|password|auth|cookie|credential|signature)/i;
const REFERENCE = /\$\{[^}]+\}/g;
const SCHEME = /^(bearer|basic|token|apikey|api-key|splunk|dd-api-key)?$/i;

/** Whether a config value is taken from the environment or a file (`${env:X}`, `${file:/path}`, `${X}`). */
export function isReference(value: string): boolean {
  if (value.trim() === '') return true;
  if (!REFERENCE.test(value)) return false;
  REFERENCE.lastIndex = 0;
  return SCHEME.test(value.replace(REFERENCE, '').trim());
}

function walk(node: unknown, path: string, inHeaders: boolean, out: { path: string; key: string }[]): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => walk(v, `${path}[${i}]`, false, out));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const p = path ? `${path}.${key}` : key;
    if (typeof value === 'string') {
      const sensitive = inHeaders
        ? SECRET_HEADER.test(key)
        : SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key);
      if (sensitive && !isReference(value)) out.push({ path: p, key });
    } else {
      walk(value, p, key === 'headers', out);
    }
  }
}

export const collectorNoInlineCredentials: Rule = {
  id: 'collector-no-inline-credentials',
  severity: 'error',
  description:
    'No credential is written inline in a collector config: sensitive header values, tokens, passwords and keys come from ${env:VAR} or files.',
  recommendation:
    'Put the secret in a Kubernetes Secret, expose it as an env var (or a mounted file) and write `${env:VAR}` in the config (e.g. `Authorization: Bearer ${env:BACKEND_TOKEN}`), or use a `*_file` setting.',
  check(ctx) {
    const out: Finding[] = [];
    for (const cfg of ctx.collectorConfigs) {
      for (const section of ['receivers', 'processors', 'exporters', 'extensions', 'connectors']) {
        const hits: { path: string; key: string }[] = [];
        walk(cfg.config[section], section, false, hits);
        for (const h of hits) {
          out.push(
            find(cfg.resource, `${cfg.path}: ${h.path}`, `inline credential in ${h.path} (value redacted)`),
          );
        }
      }
    }
    return out;
  },
};

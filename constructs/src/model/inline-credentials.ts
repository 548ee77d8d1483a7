/**
 * Finds credentials written inline in a collector component config.
 *
 * Keep these lists consistent with the `collector-no-inline-credentials` rule of the policies
 * package (`policies/src/rules/collector-no-inline-credentials.ts`), which applies the same
 * rule to synthesized manifests. The constructs do not import the policies package
 * (dependencies point one way), so a change to one list must be made in both.
 */

/** Keys whose literal values are credentials (`password`, `token`, `api_key`, `bearer_token`, `client_secret`, ...). */
export const SECRET_KEY =
  /(password|passwd|secret|token|api_?key|apikey|credential|access_key|private_key|auth)/i;
/** Keys that match `SECRET_KEY` but name a file, a type, an endpoint or a setting, not a secret. */
export const NOT_SECRET_KEY =
  /(_file|_path|_url|_uri|_endpoint|_type|_name|_id|_env|_header|_interval|_timeout|_ttl|authenticator|^auth$|auth_type)$/i;
/** Header names (inside a `headers` map) whose values are credentials. */
export const SECRET_HEADER =
  /(authorization|api[-_]?key|token|secret|password|auth|cookie|credential|signature)/i;
const REFERENCE = /\$\{[^}]+\}/g;
/** What may stand beside a reference in a header value: an auth scheme (`Bearer ${env:TOKEN}`). */
const SCHEME = /^(bearer|basic|token|apikey|api-key|splunk|dd-api-key)?$/i;

/** Whether a value is taken from the environment or a file (`${env:X}`, `${file:/path}`, `${X}`), maybe after a scheme. */
export function isConfigReference(value: string): boolean {
  if (value.trim() === '') return true;
  const refs = value.match(REFERENCE);
  if (!refs) return false;
  return SCHEME.test(value.replace(REFERENCE, '').trim());
}

/** One inline credential: where it is (`headers.authorization`) and the key. */
export interface InlineCredential {
  readonly path: string;
  readonly key: string;
  /** Whether it is a header value (in a `headers` map). */
  readonly header: boolean;
}

/** Inline credentials in a component config (values are never returned). */
export function findInlineCredentials(config: unknown): InlineCredential[] {
  const out: InlineCredential[] = [];
  const walk = (node: unknown, path: string, inHeaders: boolean) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${path}[${i}]`, false));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const p = path ? `${path}.${key}` : key;
      if (typeof value === 'string' || typeof value === 'number') {
        const sensitive = inHeaders
          ? SECRET_HEADER.test(key)
          : SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key);
        if (sensitive && !(typeof value === 'string' && isConfigReference(value)))
          out.push({ path: p, key, header: inHeaders });
      } else {
        walk(value, p, key === 'headers');
      }
    }
  };
  walk(config, '', false);
  return out;
}

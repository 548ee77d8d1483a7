import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

const CRDS = join(__dirname, '../../../../shared/crds');

type Schema = Record<string, unknown>;

/**
 * Kubernetes prunes fields a structural schema does not declare. To catch a field the
 * renderer sets that the API server would silently drop (a typo, a field of another version),
 * every object schema with `properties` and no `x-kubernetes-preserve-unknown-fields` gets
 * `additionalProperties: false` here.
 */
function forbidUnknownFields(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forbidUnknownFields);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, forbidUnknownFields(s)]))
        : forbidUnknownFields(v);
  }
  if (
    out.properties &&
    !out['x-kubernetes-preserve-unknown-fields'] &&
    out.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * CRD patterns are Go (RE2) regular expressions; the prometheus-operator CRDs use the inline
 * flag `(?i)`, which JavaScript lacks: it becomes the `i` flag.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp =>
    pattern.includes('(?i)')
      ? new RegExp(pattern.split('(?i)').join(''), `${flags}i`)
      : new RegExp(pattern, flags),
  { code: 'new RegExp' },
);

/** The openAPIV3Schema of a CRD version in ../shared/crds. */
export function crdSchema(file: string, version: string): Schema {
  const crd = parse(readFileSync(join(CRDS, file), 'utf8')) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  };
  const v = crd.spec.versions.find((x) => x.name === version);
  if (!v) throw new Error(`${file} has no version ${version}`);
  return v.schema.openAPIV3Schema;
}

/** An ajv validator over a CRD version's schema, allowing the `x-kubernetes-*` keywords. */
export function crdValidator(file: string, version: string, strictFields = true): ValidateFunction {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    validateFormats: false,
    code: { regExp: goRegExp },
  });
  ajv.addVocabulary([
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-validations',
    'x-kubernetes-embedded-resource',
  ]);
  const schema = crdSchema(file, version);
  return ajv.compile(strictFields ? (forbidUnknownFields(schema) as Schema) : schema);
}

export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    .join('\n');
}

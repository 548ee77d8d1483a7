import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { asArray, asString, at, isObject, type JsonObject, type Resource } from './resource';

/** A manifest that could not be read or parsed. */
export class ManifestError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ManifestError';
  }
}

/** Files picked up from directories (JSON files, e.g. cdk8s' construct-metadata.json, only when named). */
const YAML_FILE = /\.ya?ml$/i;

/** Every manifest file under the given files and directories (recursively), sorted. */
export function listManifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new ManifestError(p, 'no such file or directory; pass a manifest file or a directory of them');
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(p).sort()) {
        if (entry.startsWith('.') || entry === 'node_modules') continue;
        visit(join(p, entry), false);
      }
    } else if (explicit || YAML_FILE.test(p)) {
      out.push(p);
    }
  };
  for (const p of paths) visit(p, true);
  return out;
}

/** Parses one YAML text (any number of documents; `kind: List` is flattened). */
export function parseManifestText(text: string, file: string): Resource[] {
  const docs = parseAllDocuments(text);
  const out: Resource[] = [];
  let index = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new ManifestError(file, `document ${index + 1} is not valid YAML: ${doc.errors[0].message}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    const items = isObject(value) && value.kind === 'List' ? asArray(value.items) : [value];
    for (const item of items) {
      if (item === null || item === undefined) continue; // empty document (e.g. a Helm template that rendered nothing)
      if (!isObject(item) || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
        throw new ManifestError(
          file,
          `document ${index + 1} is not a Kubernetes object (it needs string 'apiVersion' and 'kind')`,
        );
      }
      out.push(toResource(item, file, index));
      index++;
    }
  }
  return out;
}

function toResource(object: JsonObject, file: string, index: number): Resource {
  const name =
    asString(at(object, 'metadata', 'name')) ?? asString(at(object, 'metadata', 'generateName')) ?? '';
  const namespace = asString(at(object, 'metadata', 'namespace'));
  return {
    apiVersion: object.apiVersion as string,
    kind: object.kind as string,
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    file,
    index,
    object,
  };
}

/** Reads every Kubernetes object in the given files and directories. */
export function loadManifests(paths: readonly string[]): Resource[] {
  const out: Resource[] = [];
  for (const file of listManifestFiles(paths)) {
    out.push(...parseManifestText(readFileSync(file, 'utf8'), file));
  }
  return out;
}

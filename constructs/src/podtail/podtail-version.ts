import { readFileSync } from 'node:fs';

/** The podtail package's version, read from `podtail/package.json` at synth, so images follow the package. */
export function podtailVersion(): string {
  const path = require.resolve('podtail/package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string' || pkg.version.length === 0) {
    throw new Error(`podtail/package.json at ${path} has no version; set "version" in runtime/package.json`);
  }
  return pkg.version;
}

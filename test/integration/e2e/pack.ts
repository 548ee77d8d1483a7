import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(__dirname, '../../..');

/** Runs a command; throws with its output when it fails. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): string {
  const r = spawnSync(cmd, [...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...(opts.env ?? {}) },
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 170_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${opts.cwd}) exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r.stdout;
}

export interface PackResult {
  /** Absolute path of the tarball. */
  readonly tarball: string;
  readonly name: string;
  readonly version: string;
  /** Paths inside the package. */
  readonly files: readonly string[];
}

/** `npm pack` of the root package (no workspace) or of a workspace, into `dest`. */
export function npmPack(dest: string, workspace?: string): PackResult {
  const args = ['pack', '--json', '--pack-destination', dest, ...(workspace ? ['-w', workspace] : [])];
  const out = run('npm', args, { cwd: REPO });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as {
    filename: string;
    name: string;
    version: string;
    files: { path: string }[];
  }[];
  return {
    tarball: join(dest, info.filename),
    name: info.name,
    version: info.version,
    files: info.files.map((f) => f.path),
  };
}

/** `tar -tzf`: the entries of a tarball (npm puts them under `package/`). */
export function tarEntries(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^package\//, ''));
}

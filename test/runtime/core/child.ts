import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const repo = join(__dirname, '../../..');

/** Runs the built podtail as a real child process (`podtail run --config ... --host-root ...`). */
export function spawnPodtail(
  configPath: string,
  hostRoot: string,
): ChildProcess & { stderrText: () => string } {
  const child = spawn(
    process.execPath,
    [join(repo, 'runtime/bin/podtail.js'), 'run', '--config', configPath, '--host-root', hostRoot],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  child.stdout!.resume();
  return Object.assign(child, { stderrText: () => err });
}

export function writeConfig(dir: string, config: Record<string, unknown>): string {
  const p = join(dir, 'podtail.yaml');
  writeFileSync(p, stringify(config));
  return p;
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

/** Resolves once the child logged that it started. */
export async function started(
  child: { stderrText: () => string; exitCode: number | null },
  ms = 40_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!child.stderrText().includes('podtail started')) {
    if (Date.now() > end || child.exitCode !== null)
      throw new Error(`podtail did not start: ${child.stderrText()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

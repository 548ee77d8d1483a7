import { execFileSync, spawnSync } from 'node:child_process';

/** Path of the real `promtool`, or an error telling how to install it. */
export function promtoolPath(env: NodeJS.ProcessEnv = process.env): string {
  const found = spawnSync('/bin/sh', ['-c', 'command -v promtool'], { encoding: 'utf8', env });
  const path = (found.stdout ?? '').trim();
  if (found.status !== 0 || path === '') {
    throw new Error(
      'promtool not found on PATH: the alert rule tests run the real Prometheus rule tools. ' +
        'Run `bash scripts/install-test-deps.sh` (installs Debian package `prometheus`).',
    );
  }
  return path;
}

export interface PromtoolResult {
  readonly status: number;
  readonly output: string;
}

/** Runs promtool with the given arguments and returns its exit status and combined output. */
export function promtool(args: readonly string[], cwd: string): PromtoolResult {
  const result = spawnSync(promtoolPath(), [...args], { cwd, encoding: 'utf8' });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** promtool's version line, for failure messages. */
export function promtoolVersion(): string {
  return execFileSync(promtoolPath(), ['--version'], { encoding: 'utf8' }).split('\n')[0];
}

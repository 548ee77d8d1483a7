import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
export const FIXTURES = join(__dirname, 'fixtures');
export const POLICIES_DIR = join(REPO, 'policies');
export const BIN = join(POLICIES_DIR, 'bin', 'policies.js');

/** Compiles policies/ into policies/lib (the CLI launcher and the cdk8s plugin load the compiled code). */
export function buildPolicies(): void {
  execFileSync(
    process.execPath,
    [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(POLICIES_DIR, 'tsconfig.json')],
    {
      cwd: REPO,
      stdio: 'pipe',
    },
  );
}

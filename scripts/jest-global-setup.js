// Builds every workspace once before any test runs (`tsc -b`, incremental: quick when lib/ is
// fresh). Tests that spawn the podtail CLI, load the policies plugin through cdk8s or pack the
// packages use the compiled lib/ folders; building here, once, keeps parallel suites from
// writing the same files at the same time.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  const repo = join(__dirname, '..');
  execFileSync(
    process.execPath,
    [join(repo, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
    {
      cwd: repo,
      stdio: 'inherit',
    },
  );
};

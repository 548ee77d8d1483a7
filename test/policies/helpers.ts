import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
export const FIXTURES = join(__dirname, 'fixtures');
export const POLICIES_DIR = join(REPO, 'policies');
export const BIN = join(POLICIES_DIR, 'bin', 'policies.js');

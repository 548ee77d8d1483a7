import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { dockerIgnore, parseDockerfile, type Dockerfile } from './dockerfile';
import { REPO, run } from './pack';

/**
 * Replays the COPY, WORKDIR and RUN steps of `runtime/Dockerfile` without docker: each stage
 * gets a directory standing in for its root filesystem, absolute paths in RUN commands are
 * re-rooted there, and the build context honours `.dockerignore`. Two substitutions, both
 * stated: `npm ci` links the repository's installed node_modules (same lockfile), and
 * `npm install` gets `--prefer-offline` so the npm cache serves it.
 */
export interface ReplayedImage {
  readonly dockerfile: Dockerfile;
  /** Stage name -> directory standing in for its `/`. */
  readonly roots: Readonly<Record<string, string>>;
  /** Maps an absolute path in the final image to the host path. */
  hostPath(imagePath: string): string;
}

const ABS = /(^|[\s=])\/(src|tmp|opt|root|usr|etc)\b/g;

export function replayDockerfile(work: string): ReplayedImage {
  const text = readFileSync(join(REPO, 'runtime/Dockerfile'), 'utf8');
  const dockerfile = parseDockerfile(text);
  const ignored = dockerIgnore(readFileSync(join(REPO, '.dockerignore'), 'utf8'));
  const roots: Record<string, string> = {};
  dockerfile.stages.forEach((s, i) => {
    const name = s.name ?? `stage${i}`;
    const root = join(work, 'stages', name);
    mkdirSync(join(root, 'tmp'), { recursive: true });
    roots[name] = root;
    let workdir = '/';
    for (const ins of s.instructions) {
      if (ins.op === 'WORKDIR') {
        workdir = ins.args.startsWith('/') ? ins.args : join(workdir, ins.args);
        mkdirSync(join(root, workdir), { recursive: true });
      } else if (ins.op === 'COPY') {
        const parts = ins.args.split(/\s+/);
        const fromFlag = parts.find((p) => p.startsWith('--from='));
        const paths = parts.filter((p) => !p.startsWith('--'));
        const dest = paths.pop()!;
        const destAbs = join(root, dest.startsWith('/') ? dest : join(workdir, dest));
        for (const src of paths) {
          if (fromFlag) {
            const fromRoot = roots[fromFlag.slice('--from='.length)];
            for (const match of glob(fromRoot, src))
              copyInto(match, destAbs, dest.endsWith('/'), () => false, '');
          } else {
            const from = join(REPO, src);
            if (!existsSync(from)) throw new Error(`COPY ${src}: not in the build context`);
            if (ignored(src.replace(/\/$/, ''))) throw new Error(`COPY ${src}: excluded by .dockerignore`);
            copyInto(from, destAbs, dest.endsWith('/'), ignored, src.replace(/\/$/, ''));
          }
        }
      } else if (ins.op === 'RUN') {
        let cmd = ins.args.replace(ABS, (_m, pre: string, top: string) => `${pre}${root}/${top}`);
        cmd = cmd.replace(/npm ci\b[^&;]*/, `ln -s ${join(REPO, 'node_modules')} node_modules `);
        cmd = cmd.replace(/npm install\b/, 'npm install --prefer-offline');
        run('/bin/sh', ['-c', cmd], { cwd: join(root, workdir) });
      }
    }
  });
  const last = dockerfile.stages[dockerfile.stages.length - 1];
  const finalRoot = roots[last.name ?? `stage${dockerfile.stages.length - 1}`];
  return { dockerfile, roots, hostPath: (p) => join(finalRoot, p) };
}

/** Paths under `root` matching an absolute glob with `*` in the last segment. */
function glob(root: string, pattern: string): string[] {
  const dir = join(root, dirname(pattern));
  const re = new RegExp(
    `^${pattern
      .split('/')
      .pop()!
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  const found = readdirSync(dir)
    .filter((f) => re.test(f))
    .map((f) => join(dir, f));
  if (found.length === 0) throw new Error(`COPY --from: nothing matches ${pattern}`);
  return found;
}

/** Docker COPY semantics: a directory's contents go into dest; a file into dest/ or as dest. */
function copyInto(
  from: string,
  dest: string,
  destIsDir: boolean,
  ignored: (p: string) => boolean,
  ctxPath: string,
): void {
  if (statSync(from).isDirectory()) {
    mkdirSync(dest, { recursive: true });
    cpSync(from, dest, {
      recursive: true,
      filter: (p) => !ctxPath || !ignored(join(ctxPath, relative(from, p))),
    });
    return;
  }
  const target = destIsDir ? join(dest, from.split('/').pop()!) : dest;
  mkdirSync(dirname(target), { recursive: true });
  cpSync(from, target);
}

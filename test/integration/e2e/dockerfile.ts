/** One Dockerfile instruction (continuation lines joined, comments dropped). */
export interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** One build stage: `FROM <image> [AS <name>]` and its instructions. */
export interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** `ARG`s before the first FROM, with their defaults. */
  readonly args: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

/** A small Dockerfile reader: enough to check instructions and replay COPY/RUN steps. */
export function parseDockerfile(text: string): Dockerfile {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    lines.push((current + line).trim());
    current = '';
  }
  const args: Record<string, string> = {};
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = [];
  for (const line of lines.filter(Boolean)) {
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`unreadable Dockerfile line: ${line}`);
    const op = m[1].toUpperCase();
    const rest = m[2];
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!f) throw new Error(`unreadable FROM: ${line}`);
      stages.push({ from: expand(f[1], args), name: f[2], instructions: [] });
    } else if (stages.length === 0) {
      if (op !== 'ARG') throw new Error(`${op} before the first FROM`);
      const [k, v = ''] = rest.split('=');
      args[k] = v;
    } else {
      stages[stages.length - 1].instructions.push({ op, args: rest });
    }
  }
  return { args, stages };
}

function expand(s: string, args: Record<string, string>): string {
  return s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string, b: string) => args[a ?? b] ?? '');
}

/** The stage of that name; throws listing the stages. */
export function stage(d: Dockerfile, name: string): Stage {
  const s = d.stages.find((x) => x.name === name);
  if (!s) throw new Error(`no stage ${name} in ${d.stages.map((x) => x.name ?? x.from).join(', ')}`);
  return s;
}

/** The arguments of the instructions `op` of a stage. */
export function instructions(s: Stage, op: string): string[] {
  return s.instructions.filter((i) => i.op === op).map((i) => i.args);
}

/** `.dockerignore` patterns (Go filepath.Match plus `**`), as a predicate over context paths. */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const p = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const re = p
        .split('/')
        .map((seg) =>
          seg === '**'
            ? '(?:.*)'
            : seg
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
      // a directory pattern excludes everything below it
      return { negate, re: new RegExp(`^${re}(?:/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const r of rules) if (r.re.test(path)) ignored = !r.negate;
    return ignored;
  };
}

/**
 * Path globs relative to the log root: `*` matches within one path segment, `**` across
 * segments, `?` one character, `[abc]` a class, `{a,b}` alternatives.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i += 2;
        if (glob[i] === '/') {
          i++;
          re += '(?:.*/)?';
        } else {
          re += '.*';
        }
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) {
        re += '\\[';
      } else {
        let cls = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += `[${cls}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) {
      re += '|';
    } else {
      re += c.replace(/[.+^$()|\\]/g, '\\$&');
    }
    i++;
  }
  return new RegExp(`^${re}$`);
}

/** include/exclude matcher over root-relative paths. */
export class PathFilter {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];
  private readonly nsInclude: Set<string>;
  private readonly nsExclude: Set<string>;

  constructor(opts: {
    include: readonly string[];
    exclude: readonly string[];
    namespaces: { include: readonly string[]; exclude: readonly string[] };
  }) {
    this.include = opts.include.map(globToRegExp);
    this.exclude = opts.exclude.map(globToRegExp);
    this.nsInclude = new Set(opts.namespaces.include);
    this.nsExclude = new Set(opts.namespaces.exclude);
  }

  /** Whether a pod directory name (`<ns>_<pod>_<uid>`) belongs to a namespace we tail. */
  wantsPodDir(podDir: string): boolean {
    const ns = podDir.slice(0, Math.max(0, podDir.indexOf('_')));
    if (this.nsExclude.has(ns)) return false;
    return this.nsInclude.size === 0 || this.nsInclude.has(ns);
  }

  matches(relative: string): boolean {
    const podDir = relative.slice(0, relative.indexOf('/'));
    if (!this.wantsPodDir(podDir)) return false;
    return this.include.some((r) => r.test(relative)) && !this.exclude.some((r) => r.test(relative));
  }
}

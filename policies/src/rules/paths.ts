/** Whether `path` equals `dir` or lies below it. */
export function under(path: string, dir: string): boolean {
  if (dir === '/') return true;
  return path === dir || path.startsWith(dir + '/');
}

export function underAny(path: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => under(path, d.replace(/\/+$/, '') || '/'));
}

/** Allow-list match: exact, or below an entry that ends in `/**`. */
export function allowed(path: string, allowList: readonly string[]): boolean {
  return allowList.some((entry) => {
    if (entry.endsWith('/**')) {
      const dir = entry.slice(0, -3) || '/';
      return under(path, dir);
    }
    return path === (entry.length > 1 ? entry.replace(/\/+$/, '') : entry);
  });
}

import type { RecordOrigin } from '../pipeline/record';

/**
 * Reads the attribution a kubelet log path carries:
 * `<root>/<namespace>_<pod>_<uid>/<container>/<restart>.log`. Returns undefined for paths
 * not in that layout. `path` is the node path reported in records (`log.file.path`).
 */
export function originFromRelative(relative: string, path: string): RecordOrigin | undefined {
  const parts = relative.split('/');
  if (parts.length !== 3) return undefined;
  const [podDir, containerName, file] = parts;
  // Namespace and pod names cannot contain '_' (DNS labels / subdomains); the uid can't either.
  const first = podDir.indexOf('_');
  const last = podDir.lastIndexOf('_');
  if (first <= 0 || last === first || last === podDir.length - 1) return undefined;
  const m = /^(\d+)\.log(?:\..*)?$/.exec(file);
  if (!m || !containerName) return undefined;
  return {
    path,
    namespace: podDir.slice(0, first),
    podName: podDir.slice(first + 1, last),
    podUid: podDir.slice(last + 1),
    containerName,
    restartCount: Number(m[1]),
  };
}

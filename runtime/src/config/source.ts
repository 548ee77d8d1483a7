import { z } from 'zod';

/** Where podtail finds container log files and how it reads them. */
export const sourceSchema = z
  .object({
    /** The kubelet's pod log root: `<root>/<ns>_<pod>_<uid>/<container>/<n>.log`. */
    root: z.string().min(1).default('/var/log/pods'),
    /** Globs, relative to `root`, of files to tail. */
    include: z.array(z.string().min(1)).default(['*/*/*.log']),
    /** Globs, relative to `root`, of files never to tail. */
    exclude: z.array(z.string().min(1)).default([]),
    /** Namespaces to tail (empty: all) and namespaces never to tail. */
    namespaces: z
      .object({
        include: z.array(z.string().min(1)).default([]),
        exclude: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    /** Where to start reading a file that has no cursor yet. */
    startAt: z.enum(['beginning', 'end']).default('beginning'),
    /** Log line format: `cri` (containerd, CRI-O), `docker` (json-file) or `auto` (per line). */
    format: z.enum(['auto', 'cri', 'docker']).default('auto'),
    /** Largest record after stitching partial lines; longer ones are truncated, marked, counted. */
    maxRecordBytes: z
      .number()
      .int()
      .min(1024)
      .default(256 * 1024),
    /** Period of the full rescan that catches what inotify missed. */
    rescanIntervalMs: z.number().int().min(100).default(10_000),
    /** How long a rotated or deleted file is kept open to be read to its end. */
    rotationWaitMs: z.number().int().min(0).default(60_000),
    /** Cap on open files; past it, the oldest idle files are closed and reopened on demand. */
    maxOpenFiles: z.number().int().min(1).default(1024),
    /** Bytes at the head of a file used for its fingerprint. */
    fingerprintBytes: z.number().int().min(16).max(65536).default(1024),
  })
  .strict()
  .prefault({});

/**
 * A real containerd for tests: Debian's containerd + runc, its own config, root, state and
 * socket under a temporary directory, the CRI plugin off, tasks from a busybox rootfs in a
 * per-test cgroup parent. `stop()` kills and deletes every task and container, stops the
 * daemon and removes the cgroup parents, so no shim outlives the test.
 *
 *   const ctd = await startContainerd();
 *   await ctd.runTask({ id: 'c1', labels: podLabels('trainer-0', 'trainer'), command: 'exit 3' });
 *   ...
 *   await ctd.stop();
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  rmdirSync,
  mkdirSync,
  copyFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface RunTaskOptions {
  /** Container (and task) id. */
  readonly id: string;
  /** containerd namespace; default `k8s.io`. */
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** A busybox sh script, run as `/bin/sh -c <command>`. */
  readonly command: string;
  /** cgroup memory limit in bytes (e.g. 16 MiB to provoke an OOM kill). */
  readonly memoryLimitBytes?: number;
}

export interface ContainerdHandle {
  /** The daemon's gRPC socket. */
  readonly socket: string;
  /** The temporary directory holding config, root, state, socket and rootfs. */
  readonly dir: string;
  /** Runs `ctr` against this daemon; resolves with stdout. */
  ctr(args: readonly string[], namespace?: string): Promise<string>;
  /** Creates a container and starts its task, detached. */
  runTask(opts: RunTaskOptions): Promise<void>;
  /** Sends a signal (default SIGKILL: sh as pid 1 ignores SIGTERM) to a task. */
  kill(id: string, namespace?: string, signal?: string): Promise<void>;
  /** Polls until the task is STOPPED. */
  waitStopped(id: string, namespace?: string, timeoutMs?: number): Promise<void>;
  /** Deletes the task (killing it first if it runs) and then the container. */
  remove(id: string, namespace?: string): Promise<void>;
  /** Creates a containerd namespace. */
  createNamespace(name: string): Promise<void>;
  /** Stops the daemon (SIGTERM, waits) leaving tasks and their shims running. */
  stopDaemon(): Promise<void>;
  /** Starts the daemon again on the same config; resolves when its socket answers. */
  startDaemon(): Promise<void>;
  /** Cleans everything up: tasks, containers, daemon, cgroup parents, temp dir. */
  stop(): Promise<void>;
}

const MISSING =
  'containerd, runc, ctr and /bin/busybox are needed by this test: run scripts/install-test-deps.sh (as root)';

function which(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
}

/** Throws, naming the fix, when containerd, runc or busybox is missing or not root. */
export function assertContainerdAvailable(): void {
  const missing = ['containerd', 'runc', 'ctr'].filter((c) => !which(c));
  if (!existsSync('/bin/busybox')) missing.push('/bin/busybox');
  if (missing.length) throw new Error(`${MISSING} (missing: ${missing.join(', ')})`);
  if (process.getuid && process.getuid() !== 0)
    throw new Error('the containerd tests run tasks with runc and need root: run jest as root');
}

/** The labels kubelet puts on a pod's container. */
export function podLabels(
  podName: string,
  containerName: string,
  opts: { namespace?: string; uid?: string } = {},
): Record<string, string> {
  return {
    'io.kubernetes.pod.name': podName,
    'io.kubernetes.pod.namespace': opts.namespace ?? 'default',
    'io.kubernetes.pod.uid': opts.uid ?? `uid-${podName}`,
    'io.kubernetes.container.name': containerName,
  };
}

function run(cmd: string, args: readonly string[], timeoutMs = 30000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, [...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const CGROUP_ROOT = '/sys/fs/cgroup';

function removeCgroupTree(path: string): void {
  if (!existsSync(path)) return;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) removeCgroupTree(join(path, entry.name));
  }
  try {
    rmdirSync(path);
  } catch {
    // still busy: a process is left in it; reported by the caller's shim check
  }
}

/** Starts a private containerd. Call `stop()` in afterAll. */
export async function startContainerd(opts: { name?: string } = {}): Promise<ContainerdHandle> {
  assertContainerdAvailable();
  const tag = `${opts.name ?? 'podtail-test'}-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'ctd-'));
  const socket = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  const runcRoot = join(dir, 'runc');
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  symlinkSync('busybox', join(rootfs, 'bin', 'sh'));
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${socket}"`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = "${dir}/root/opt"`,
      '',
    ].join('\n'),
  );

  let daemon: ChildProcess | undefined;
  const killOnExit = (): void => {
    daemon?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const ctr = (args: readonly string[], namespace = 'k8s.io'): Promise<string> =>
    run('ctr', ['--address', socket, '-n', namespace, ...args]);

  async function startDaemon(): Promise<void> {
    rmSync(socket, { force: true });
    const child = spawn('containerd', ['--config', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr?.on('data', (b: Buffer) => {
      log = (log + b.toString()).slice(-4000);
    });
    daemon = child;
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`containerd exited at start:\n${log}`);
      if (existsSync(socket)) {
        try {
          await run('ctr', ['--address', socket, 'version'], 5000);
          return;
        } catch {
          // not serving yet
        }
      }
      await sleep(25);
    }
    throw new Error(`containerd did not open ${socket} within 10 s:\n${log}`);
  }

  async function stopDaemon(): Promise<void> {
    const child = daemon;
    daemon = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(t);
  }

  async function taskStatus(id: string, namespace: string): Promise<string | undefined> {
    const out = await ctr(['task', 'ls'], namespace);
    for (const line of out.split('\n').slice(1)) {
      const [tid, , status] = line.trim().split(/\s+/);
      if (tid === id) return status;
    }
    return undefined;
  }

  async function waitStopped(id: string, namespace = 'k8s.io', timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await taskStatus(id, namespace);
      if (s === undefined || s === 'STOPPED') return;
      if (Date.now() > deadline) throw new Error(`task ${id} still ${s} after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async function kill(id: string, namespace = 'k8s.io', signal = 'SIGKILL'): Promise<void> {
    await ctr(['task', 'kill', '-s', signal, id], namespace);
  }

  async function remove(id: string, namespace = 'k8s.io'): Promise<void> {
    const s = await taskStatus(id, namespace);
    if (s !== undefined) {
      if (s !== 'STOPPED') {
        await kill(id, namespace).catch(() => undefined);
        await waitStopped(id, namespace);
      }
      await ctr(['task', 'delete', id], namespace);
    }
    await ctr(['containers', 'rm', id], namespace).catch(() => undefined);
  }

  async function cleanupAll(): Promise<void> {
    if (!daemon) await startDaemon().catch(() => undefined);
    if (!daemon) return;
    const namespaces = (await run('ctr', ['--address', socket, 'namespaces', 'ls', '-q']).catch(() => ''))
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const ns of namespaces) {
      const ids = (await ctr(['containers', 'ls', '-q'], ns).catch(() => ''))
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const id of ids) await remove(id, ns).catch(() => undefined);
    }
  }

  const handle: ContainerdHandle = {
    socket,
    dir,
    ctr,
    async runTask(o: RunTaskOptions): Promise<void> {
      const args = [
        'run',
        '-d',
        '--null-io',
        '--runc-root',
        runcRoot,
        '--cgroup',
        `/${tag}/${o.id}`,
        '--env',
        'PATH=/bin',
      ];
      for (const [k, v] of Object.entries(o.labels ?? {})) args.push('--label', `${k}=${v}`);
      if (o.memoryLimitBytes) args.push('--memory-limit', String(o.memoryLimitBytes));
      args.push('--rootfs', rootfs, o.id, '/bin/sh', '-c', o.command);
      await ctr(args, o.namespace ?? 'k8s.io');
    },
    kill,
    waitStopped,
    remove,
    async createNamespace(name: string): Promise<void> {
      await run('ctr', ['--address', socket, 'namespaces', 'create', name]);
    },
    stopDaemon,
    startDaemon,
    async stop(): Promise<void> {
      try {
        await cleanupAll();
      } finally {
        await stopDaemon();
        process.removeListener('exit', killOnExit);
        // cgroup v1: one tree per controller; v2: one unified tree.
        for (const controller of readdirSync(CGROUP_ROOT)) {
          removeCgroupTree(join(CGROUP_ROOT, controller, tag));
        }
        removeCgroupTree(join(CGROUP_ROOT, tag));
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };

  await startDaemon();
  return handle;
}

import { ConfigError, loadConfigFile } from '../config/load';
import type { PodtailConfig } from '../config/schema';
import { Engine } from '../engine/engine';
import { createLogger } from '../telemetry/logger';
import { runContainerdLs } from '../containerd/ls';

const USAGE = `usage:
  podtail run --config FILE [--host-root DIR]   tail, export, commit; stops on SIGTERM/SIGINT
  podtail validate --config FILE                check a config: exit 0, or 1 listing every error
  podtail containerd ls --config FILE [--json]  print the containerd store: container, pod, pids, status
`;

interface Args {
  command: string;
  config?: string;
  hostRoot?: string;
}

export function parseArgs(argv: readonly string[]): Args {
  const [command = '', ...rest] = argv;
  const out: Args = { command };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--config' || name === '-c') out.config = value();
    else if (name === '--host-root') out.hostRoot = value();
    else throw new UsageError(`unknown argument ${a}`);
  }
  return out;
}

class UsageError extends Error {}

function load(args: Args): PodtailConfig {
  if (!args.config) throw new UsageError('--config FILE is required');
  const config = loadConfigFile(args.config);
  if (args.hostRoot !== undefined) return { ...config, hostRoot: args.hostRoot };
  return config;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    if (argv[0] === 'containerd') {
      if (argv[1] !== 'ls') throw new UsageError(`unknown containerd subcommand ${argv[1] ?? '(none)'}`);
      const rest = argv.slice(2);
      const config = load(parseArgs(['containerd', ...rest.filter((a) => a !== '--json')]));
      return await runContainerdLs(
        config,
        (s) => process.stdout.write(s + '\n'),
        (s) => process.stderr.write(s + '\n'),
        { json: rest.includes('--json') },
      );
    }
    args = parseArgs(argv);
    if (args.command === 'validate') {
      load(args);
      process.stdout.write(`config ${args.config} is valid\n`);
      return 0;
    }
    if (args.command !== 'run')
      throw new UsageError(args.command ? `unknown command ${args.command}` : 'no command');
    const config = load(args);
    const log = createLogger(config.logLevel, process.stderr, { nodeName: config.nodeName });
    const engine = new Engine({ config, log });
    await engine.start();
    await new Promise<void>((resolve) => {
      const onSignal = (sig: NodeJS.Signals): void => {
        log.info('signal received; flushing', { signal: sig });
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolve();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
    await engine.stop();
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      return 1;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`podtail: ${e.message}\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`podtail: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}

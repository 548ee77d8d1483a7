import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { evaluate } from './engine';
import { loadManifests, ManifestError, parseManifestText } from './manifest/load-manifests';
import { isObject } from './manifest/resource';
import { PolicyOptionsError } from './options';
import { formatJson, formatTable } from './report';
import { formatReviewMarkdown, review } from './review';
import { RULES } from './rules';

/** Where the CLI writes. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export const USAGE = `Usage:
  policies check [options] PATH...     check manifests (files, directories, or - for stdin; any YAML, Helm output included)
      --format table|json              report format (default table)
      --config FILE                    options file (YAML/JSON; same keys as the cdk8s plugin properties)
      --disable RULE=REASON            switch a rule off (repeatable); the reason is printed in the report
      --severity RULE=LEVEL:REASON     change a rule's severity to error|warning|info (repeatable)
      --fail-on LEVEL                  lowest severity that fails (default error)
  policies review [--allow-escalation] BASE_DIR HEAD_DIR
                                       Markdown review of what changed between two synth outputs
  policies rules [--format table|json] list the rules
Exit status: 0 passed, 1 findings at or above --fail-on (check) or an escalation (review), 2 usage or input error.
`;

class UsageError extends Error {}

function splitOnce(s: string, sep: string, flag: string, shape: string): [string, string] {
  const i = s.indexOf(sep);
  if (i <= 0 || i === s.length - 1) throw new UsageError(`${flag} ${JSON.stringify(s)}: expected ${shape}`);
  return [s.slice(0, i).trim(), s.slice(i + 1).trim()];
}

function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${file}: ${(e as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isObject(parsed))
    throw new UsageError(`--config ${file}: expected a mapping of options at the top level`);
  return parsed;
}

function check(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'table' },
      config: { type: 'string' },
      disable: { type: 'string', multiple: true, default: [] },
      severity: { type: 'string', multiple: true, default: [] },
      'fail-on': { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('check needs at least one file or directory');
  if (values.format !== 'table' && values.format !== 'json') {
    throw new UsageError(`--format ${JSON.stringify(values.format)}: use table or json`);
  }
  const options: Record<string, unknown> = values.config ? readConfigFile(values.config) : {};
  const rules: Record<string, unknown> = { ...(isObject(options.rules) ? options.rules : {}) };
  for (const d of values.disable) {
    const [id, reason] = splitOnce(d, '=', '--disable', 'RULE=REASON');
    rules[id] = { enabled: false, reason };
  }
  for (const s of values.severity) {
    const [id, rest] = splitOnce(s, '=', '--severity', 'RULE=LEVEL:REASON');
    const [level, reason] = splitOnce(rest, ':', '--severity', 'RULE=LEVEL:REASON');
    rules[id] = { severity: level, reason };
  }
  options.rules = rules;
  if (values['fail-on'] !== undefined) options.failOn = values['fail-on'];
  const files = positionals.filter((p) => p !== '-');
  const resources = loadManifests(files);
  if (positionals.includes('-')) resources.push(...parseManifestText(readFileSync(0, 'utf8'), '(stdin)'));
  const report = evaluate(resources, options);
  io.stdout(values.format === 'json' ? formatJson(report) + '\n' : formatTable(report));
  return report.failed ? 1 : 0;
}

function reviewCmd(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'allow-escalation': { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) throw new UsageError('review needs exactly two paths: BASE_DIR HEAD_DIR');
  const [base, head] = positionals;
  const diff = review(base, head);
  io.stdout(formatReviewMarkdown(diff, { base, head }, values['allow-escalation']) + '\n');
  return diff.escalations > 0 && !values['allow-escalation'] ? 1 : 0;
}

function rulesCmd(args: string[], io: CliIo): number {
  const { values } = parseArgs({ args, options: { format: { type: 'string', default: 'table' } } });
  const list = RULES.map((r) => ({
    id: r.id,
    severity: r.severity,
    description: r.description,
    recommendation: r.recommendation,
  }));
  if (values.format === 'json') io.stdout(JSON.stringify(list, null, 2) + '\n');
  else
    for (const r of list)
      io.stdout(`${r.id} [${r.severity}]\n  ${r.description}\n  fix: ${r.recommendation}\n`);
  return 0;
}

/** Runs the CLI; returns the exit status. */
export function main(argv: readonly string[], io: CliIo = processIo): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return check(rest, io);
      case 'review':
        return reviewCmd(rest, io);
      case 'rules':
        return rulesCmd(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr(`policies: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof ManifestError || e instanceof PolicyOptionsError) {
      io.stderr(`policies: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** A real podtail context for extension tests: real prom-client Registry, collecting emitter. */
import { Counter, Registry } from 'prom-client';
import { validateConfig, FAILURE_METRIC, type PodtailConfigInput, type FailureKind } from 'podtail/config';
import type { PodtailContext } from '../../../../runtime/src/pipeline/extension';
import type { PodtailRecord, RecordOrigin } from '../../../../runtime/src/pipeline/record';

export interface TestContext extends PodtailContext {
  readonly emitted: PodtailRecord[];
  readonly metricRequests: Array<{ resourceMetrics: unknown[] }>;
  readonly logs: Array<{ level: string; msg: string; fields?: Record<string, unknown> }>;
  failures(kind: FailureKind): Promise<number>;
  metricValue(name: string, labels?: Record<string, string>): Promise<number>;
}

export function testContext(config: Partial<PodtailConfigInput> = {}): TestContext {
  const registry = new Registry();
  const failures = new Counter({
    name: FAILURE_METRIC,
    help: 'failures',
    labelNames: ['kind'],
    registers: [registry],
  });
  const emitted: PodtailRecord[] = [];
  const metricRequests: Array<{ resourceMetrics: unknown[] }> = [];
  const logs: TestContext['logs'] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    logs.push({ level, msg, fields });
  const cfg = validateConfig({ nodeName: 'node-a', exporter: { type: 'stdout' }, ...config });
  const metricValue = async (name: string, labels: Record<string, string> = {}) => {
    const m = registry.getSingleMetric(name);
    if (!m) return 0;
    const v = await m.get();
    return v.values
      .filter((x) => Object.entries(labels).every(([k, val]) => String(x.labels[k]) === val))
      .reduce((a, x) => a + x.value, 0);
  };
  return {
    config: cfg,
    registry,
    emitter: { emit: (r) => emitted.push(r) },
    failure: (kind, count = 1) => failures.inc({ kind }, count),
    exportMetrics: async (req) => {
      metricRequests.push(req);
    },
    hostPath: (p) => p,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    emitted,
    metricRequests,
    logs,
    failures: (kind) => metricValue(FAILURE_METRIC, { kind }),
    metricValue,
  };
}

export function origin(p: Partial<RecordOrigin> & { podUid: string }): RecordOrigin {
  const o = {
    namespace: 'default',
    podName: 'pod',
    containerName: 'main',
    restartCount: 0,
    ...p,
  };
  return {
    path: `/var/log/pods/${o.namespace}_${o.podName}_${o.podUid}/${o.containerName}/${o.restartCount}.log`,
    ...o,
  };
}

export function record(body: PodtailRecord['body']): PodtailRecord {
  const t = (BigInt(Date.now()) * 1_000_000n).toString();
  return { timeUnixNano: t, observedTimeUnixNano: t, body, attributes: {}, resource: {} };
}

/** Polls until `check` returns true (real asynchronous I/O under test). */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

import { ConfigError, parseConfig, validateConfig } from 'podtail/config';

const problems = (raw: Record<string, unknown>): string[] => {
  try {
    validateConfig({ nodeName: 'n', exporter: { type: 'stdout' }, ...raw });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error('config was accepted');
};

describe('attribution config sections', () => {
  it('has a default for every key', () => {
    const c = validateConfig({ nodeName: 'n', exporter: { type: 'stdout' } });
    expect(c.kubernetes).toMatchObject({
      enabled: 'auto',
      kubeconfig: '',
      ownerLookup: 'api',
      deletedPodGraceMs: 60_000,
      maxPods: 1024,
      labels: { include: ['*'], exclude: [], max: 32 },
      annotations: { include: [], exclude: [], max: 32 },
      evictionRecords: true,
    });
    expect(c.training.rank.sources).toContain('label:training.kubeflow.org/replica-index');
    expect(c.training.rank.sources).toContain('annotation:batch.kubernetes.io/job-completion-index');
    expect(c.training.rank.sources).toContain('env:RANK');
    expect(c.structured.rules).toEqual([]);
    expect(c.dataloader.enabled).toBe(false);
    expect(c.dataloader.patterns.length).toBeGreaterThan(0);
    expect(c.limits).toMatchObject({ enabled: false, maxBuckets: 1000, overrides: {} });
  });

  it('rejects a regex RE2 cannot compile, naming the key', () => {
    const p = problems({ training: { rank: { sources: ['body'], bodyPattern: 'rank=(?<rank>\\d+)(?=x)' } } });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^training\.rank\.bodyPattern: does not compile as an RE2 regex/);
    expect(p[0]).toContain('(?=');
  });

  it('rejects a regex without the named capture, naming the key and the capture', () => {
    const p = problems({ dataloader: { patterns: ['data=(?P<data_time_s>[0-9.]+) iter=([0-9.]+)'] } });
    expect(p).toEqual([
      expect.stringMatching(/^dataloader\.patterns\.0: has no named capture "iter_time_s"/),
    ]);
  });

  it('rejects a regex over the length ceiling', () => {
    const p = problems({
      training: { jobId: { sources: ['body'], bodyPattern: '(?P<job_id>a)' + 'b'.repeat(2000) } },
    });
    expect(p[0]).toMatch(/^training\.jobId\.bodyPattern: must be at most 1024 characters/);
  });

  it('requires bodyPattern when sources list body, and validates source syntax', () => {
    expect(problems({ training: { rank: { sources: ['body'] } } })[0]).toMatch(
      /^training\.rank\.bodyPattern: is required/,
    );
    expect(problems({ training: { rank: { sources: ['labels:x'] } } })[0]).toMatch(
      /^training\.rank\.sources\.0: must be label:<key>, annotation:<key>, env:<NAME> or body/,
    );
  });

  it('validates limits overrides and structured rules from YAML', () => {
    const c = parseConfig(
      [
        'nodeName: n',
        'exporter: {type: stdout}',
        'limits:',
        '  enabled: true',
        '  overrides:',
        '    noisy: {recordsPerSecond: 5}',
        'structured:',
        '  rules: [{namespace: apps}, {container: api}]',
      ].join('\n'),
    );
    expect(c.limits.overrides.noisy).toEqual({ recordsPerSecond: 5 });
    expect(c.structured.rules).toEqual([{ namespace: 'apps' }, { container: 'api' }]);
    expect(problems({ limits: { overrides: { noisy: { recordsPerSecond: -1 } } } })[0]).toMatch(
      /^limits\.overrides\.noisy\.recordsPerSecond:/,
    );
    expect(problems({ dataloader: { ratioBuckets: [0.5, 0.1] } })[0]).toMatch(
      /^dataloader\.ratioBuckets: must be strictly increasing/,
    );
  });
});

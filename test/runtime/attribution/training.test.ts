import { validateConfig } from 'podtail/config';
import { TrainingResolver } from '../../../runtime/src/training';

const resolver = (training: Record<string, unknown> = {}) =>
  new TrainingResolver(validateConfig({ nodeName: 'n', exporter: { type: 'stdout' }, training }).training);

describe('training rank and job id', () => {
  it('PyTorchJob: replica-index label and job-name label when RANK is not in the spec', () => {
    const r = resolver().resolve({
      labels: { 'training.kubeflow.org/replica-index': '2', 'training.kubeflow.org/job-name': 'llm' },
      containerKey: 'u/c',
    });
    expect(r).toEqual({ rank: 2, jobId: 'llm' });
  });

  it('indexed Job / JobSet: the completion-index annotation, the jobset name', () => {
    const r = resolver().resolve({
      annotations: { 'batch.kubernetes.io/job-completion-index': '7' },
      labels: { 'jobset.sigs.k8s.io/jobset-name': 'pretrain' },
      containerKey: 'u/c',
    });
    expect(r).toEqual({ rank: 7, jobId: 'pretrain' });
  });

  it('the first source that yields wins: env RANK before the replica index by default', () => {
    const r = resolver().resolve({
      labels: { 'training.kubeflow.org/replica-index': '0' },
      env: new Map([['RANK', '5']]),
      containerKey: 'u/c',
    });
    expect(r.rank).toBe(5);
    const custom = resolver({
      rank: { sources: ['label:training.kubeflow.org/replica-index', 'env:RANK'] },
    }).resolve({
      labels: { 'training.kubeflow.org/replica-index': '0' },
      env: new Map([['RANK', '5']]),
      containerKey: 'u/c',
    });
    expect(custom.rank).toBe(0);
  });

  it('body: a printed rank is captured and remembered for the container, not for others', () => {
    const r = resolver({
      rank: { sources: ['label:none', 'body'], bodyPattern: String.raw`\[rank(?P<rank>\d+)\]` },
      jobId: { sources: ['body'], bodyPattern: String.raw`run_id=(?P<job_id>[a-z0-9-]+)` },
    });
    expect(r.resolve({ containerKey: 'u/a', text: 'starting' })).toEqual({});
    expect(r.resolve({ containerKey: 'u/a', text: '[rank3] run_id=exp-42 init' })).toEqual({
      rank: 3,
      jobId: 'exp-42',
    });
    expect(r.resolve({ containerKey: 'u/a', text: 'loss=0.1' })).toEqual({ rank: 3, jobId: 'exp-42' });
    expect(r.resolve({ containerKey: 'u/b', text: 'loss=0.1' })).toEqual({});
    r.forget('u/');
    expect(r.resolve({ containerKey: 'u/a', text: 'loss=0.1' })).toEqual({});
  });

  it('a non-numeric rank stays a string; disabled yields nothing', () => {
    expect(
      resolver().resolve({ labels: { 'training.kubeflow.org/replica-index': 'w1' }, containerKey: 'x' }).rank,
    ).toBe('w1');
    expect(
      resolver({ enabled: false }).resolve({ env: new Map([['RANK', '1']]), containerKey: 'x' }),
    ).toEqual({});
  });
});

import { RE2JS } from 're2js';
import type { TrainingConfig } from '../config/training';
import { parseSource, type TrainingSource } from './sources';

/** What a record offers to rank and job id resolution. */
export interface TrainingInputs {
  readonly labels?: Readonly<Record<string, string>> | null;
  readonly annotations?: Readonly<Record<string, string>> | null;
  /** The container's literal env values from the pod spec. */
  readonly env?: ReadonlyMap<string, string>;
  /** Identifies the container (pod uid + container name) for values learned from its lines. */
  readonly containerKey: string;
  /** The line's text, for `body` sources. */
  readonly text?: string;
}

export interface TrainingIdentity {
  rank?: number | string;
  jobId?: string;
}

interface Field {
  readonly sources: readonly TrainingSource[];
  readonly pattern?: RE2JS;
  readonly capture: string;
}

/**
 * Resolves `gen_ai.training.rank` and `gen_ai.training.job_id`: the first source in the
 * configured order that yields a non-empty value wins. A `body` source matches the line with a
 * linear-time RE2 regex; what it captures is remembered for the container's later lines (a
 * process prints its rank once), in a bounded map.
 */
export class TrainingResolver {
  private readonly rank: Field;
  private readonly jobId: Field;
  private readonly learned = new Map<string, TrainingIdentity>();
  /**
   * True when a `body` source is configured: the identity may then change with any line. When
   * false, it depends only on the pod's labels and annotations and the container's env.
   */
  readonly usesBody: boolean;

  constructor(
    cfg: TrainingConfig,
    private readonly maxContainers = 8192,
  ) {
    this.rank = {
      sources: cfg.enabled ? cfg.rank.sources.map(parseSource) : [],
      pattern: cfg.rank.bodyPattern ? RE2JS.compile(cfg.rank.bodyPattern) : undefined,
      capture: 'rank',
    };
    this.jobId = {
      sources: cfg.enabled ? cfg.jobId.sources.map(parseSource) : [],
      pattern: cfg.jobId.bodyPattern ? RE2JS.compile(cfg.jobId.bodyPattern) : undefined,
      capture: 'job_id',
    };
    this.usesBody = [...this.rank.sources, ...this.jobId.sources].some((s) => s.kind === 'body');
  }

  resolve(inputs: TrainingInputs): TrainingIdentity {
    const out: TrainingIdentity = {};
    const rank = this.field(this.rank, 'rank', inputs);
    if (rank !== undefined) out.rank = /^\d+$/.test(rank) ? Number(rank) : rank;
    const jobId = this.field(this.jobId, 'jobId', inputs);
    if (jobId !== undefined) out.jobId = jobId;
    return out;
  }

  /** Forgets what was learned from a container's lines (its pod is gone). */
  forget(containerKeyPrefix: string): void {
    for (const k of this.learned.keys()) if (k.startsWith(containerKeyPrefix)) this.learned.delete(k);
  }

  private field(f: Field, name: 'rank' | 'jobId', inputs: TrainingInputs): string | undefined {
    for (const s of f.sources) {
      let v: string | null | undefined;
      switch (s.kind) {
        case 'label':
          v = inputs.labels?.[s.key];
          break;
        case 'annotation':
          v = inputs.annotations?.[s.key];
          break;
        case 'env':
          v = inputs.env?.get(s.key);
          break;
        case 'body':
          v = this.fromBody(f, name, inputs);
          break;
      }
      if (v !== undefined && v !== null && v !== '') return v;
    }
    return undefined;
  }

  private fromBody(f: Field, name: 'rank' | 'jobId', inputs: TrainingInputs): string | undefined {
    if (f.pattern && inputs.text) {
      const m = f.pattern.matcher(inputs.text);
      if (m.find()) {
        const v = m.group(f.capture);
        if (v) {
          let known = this.learned.get(inputs.containerKey);
          if (!known) {
            if (this.learned.size >= this.maxContainers) {
              const oldest = this.learned.keys().next().value;
              if (oldest !== undefined) this.learned.delete(oldest);
            }
            known = {};
            this.learned.set(inputs.containerKey, known);
          }
          known[name] = v;
          return v;
        }
      }
    }
    const v = this.learned.get(inputs.containerKey)?.[name];
    return v === undefined ? undefined : String(v);
  }
}

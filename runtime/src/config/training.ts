import { RE2JS } from 're2js';
import { z } from 'zod';

/** Longest user regex podtail accepts, in characters. */
export const MAX_PATTERN_LENGTH = 1024;

/**
 * A user regex for the linear-time RE2 engine (re2js), checked at load: it must compile in
 * RE2 syntax (no lookaround, no backreferences), stay under {@link MAX_PATTERN_LENGTH}
 * characters and have every named capture in `captures` (`(?P<name>...)` or `(?<name>...)`).
 */
export function re2Pattern(captures: readonly string[]) {
  return z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_PATTERN_LENGTH, `must be at most ${MAX_PATTERN_LENGTH} characters: shorten the regex`)
    .superRefine((pattern, ctx) => {
      let groups: Record<string, number>;
      try {
        groups = RE2JS.compile(pattern).namedGroups();
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: `does not compile as an RE2 regex (${(e as Error).message}): RE2 has no lookaround or backreferences; fix the syntax`,
        });
        return;
      }
      for (const name of captures) {
        if (groups[name] === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `has no named capture "${name}": add one, e.g. (?P<${name}>\\d+)`,
          });
        }
      }
    });
}

/** One place a rank or job id can come from. */
export const TRAINING_SOURCE_RE = /^(label|annotation|env):(.+)$|^body$/;

const sourceSchema = z
  .string()
  .regex(
    TRAINING_SOURCE_RE,
    'must be label:<key>, annotation:<key>, env:<NAME> or body, e.g. label:training.kubeflow.org/replica-index',
  );

function sourcesSection(defaults: { sources: string[]; capture: string }) {
  return z
    .object({
      /**
       * Ordered sources; the first that yields a value wins. `label:<key>` and
       * `annotation:<key>` read the pod's metadata, `env:<NAME>` the container's literal env
       * value in the pod spec, `body` matches `bodyPattern` against each line and remembers
       * the value for the container's later lines.
       */
      sources: z.array(sourceSchema).default(defaults.sources),
      /** RE2 regex with the named capture; required when `sources` has `body`. */
      bodyPattern: re2Pattern([defaults.capture]).optional(),
    })
    .strict()
    .superRefine((s, ctx) => {
      if (s.sources.includes('body') && s.bodyPattern === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['bodyPattern'],
          message: `is required because sources lists "body": set a regex with the named capture (?P<${defaults.capture}>...)`,
        });
      }
    })
    .prefault({});
}

/** Default rank sources: global rank env, PyTorchJob replica index, indexed Job / JobSet index. */
export const DEFAULT_RANK_SOURCES = [
  'env:RANK',
  'label:training.kubeflow.org/replica-index',
  'label:batch.kubernetes.io/job-completion-index',
  'annotation:batch.kubernetes.io/job-completion-index',
];

/** Default job id sources: PyTorchJob, JobSet, Job name labels, then the env conventions. */
export const DEFAULT_JOB_SOURCES = [
  'label:training.kubeflow.org/job-name',
  'label:jobset.sigs.k8s.io/jobset-name',
  'label:batch.kubernetes.io/job-name',
  'label:job-name',
  'env:JOB_ID',
  'env:TORCHELASTIC_RUN_ID',
];

/** The `training` section: where `gen_ai.training.rank` and `gen_ai.training.job_id` come from. */
export const trainingSchema = z
  .object({
    /** Turn rank and job id attribution on or off. */
    enabled: z.boolean().default(true),
    rank: sourcesSection({ sources: DEFAULT_RANK_SOURCES, capture: 'rank' }),
    jobId: sourcesSection({ sources: DEFAULT_JOB_SOURCES, capture: 'job_id' }),
  })
  .strict()
  .prefault({});
export type TrainingConfig = z.output<typeof trainingSchema>;

import { TRAINING_SOURCE_RE } from '../config/training';

/** A parsed rank or job id source. */
export type TrainingSource =
  { readonly kind: 'label' | 'annotation' | 'env'; readonly key: string } | { readonly kind: 'body' };

/** Parses `label:<key>`, `annotation:<key>`, `env:<NAME>`, `body` (validated by the config schema). */
export function parseSource(text: string): TrainingSource {
  const m = TRAINING_SOURCE_RE.exec(text);
  if (!m)
    throw new Error(
      `training source ${JSON.stringify(text)} is not label:<key>, annotation:<key>, env:<NAME> or body`,
    );
  if (!m[1]) return { kind: 'body' };
  return { kind: m[1] as 'label' | 'annotation' | 'env', key: m[2] };
}

import { z } from 'zod';

/**
 * The parts of a Pod podtail reads, validated at the API boundary. Objects are loose: the API
 * sends far more than this, and a newer server may add fields.
 */
const stringMap = z.record(z.string(), z.string()).nullish();

const ownerReferenceSchema = z.looseObject({
  kind: z.string(),
  name: z.string(),
  controller: z.boolean().nullish(),
});

const envVarSchema = z.looseObject({ name: z.string(), value: z.string().nullish() });

const containerSchema = z.looseObject({
  name: z.string(),
  image: z.string().nullish(),
  env: z.array(envVarSchema).nullish(),
});

const containerStatusSchema = z.looseObject({
  name: z.string(),
  image: z.string().nullish(),
  imageID: z.string().nullish(),
  containerID: z.string().nullish(),
  restartCount: z.number().nullish(),
  lastState: z
    .looseObject({ terminated: z.looseObject({ containerID: z.string().nullish() }).nullish() })
    .nullish(),
});

const conditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().nullish(),
  message: z.string().nullish(),
});

export const podSchema = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string(),
    uid: z.string(),
    resourceVersion: z.string().nullish(),
    labels: stringMap,
    annotations: stringMap,
    ownerReferences: z.array(ownerReferenceSchema).nullish(),
  }),
  spec: z
    .looseObject({
      nodeName: z.string().nullish(),
      containers: z.array(containerSchema).nullish(),
      initContainers: z.array(containerSchema).nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      phase: z.string().nullish(),
      reason: z.string().nullish(),
      message: z.string().nullish(),
      conditions: z.array(conditionSchema).nullish(),
      containerStatuses: z.array(containerStatusSchema).nullish(),
      initContainerStatuses: z.array(containerStatusSchema).nullish(),
    })
    .nullish(),
});
export type Pod = z.output<typeof podSchema>;

/** Parses a pod from the API; `undefined` (and the reason) when it lacks what podtail needs. */
export function parsePod(raw: unknown): { pod?: Pod; error?: string } {
  const r = podSchema.safeParse(raw);
  if (r.success) return { pod: r.data };
  return { error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

/** The controlling owner reference of an object, if any. */
export function controllerOf(
  owners: ReadonlyArray<{ kind: string; name: string; controller?: boolean | null }> | null | undefined,
): { kind: string; name: string } | undefined {
  if (!owners?.length) return undefined;
  return owners.find((o) => o.controller === true) ?? owners[0];
}

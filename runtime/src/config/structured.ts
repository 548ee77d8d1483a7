import { z } from 'zod';

const ruleSchema = z
  .object({
    /** Namespace the rule applies to; absent: every namespace. */
    namespace: z.string().min(1).optional(),
    /** Container name the rule applies to; absent: every container. */
    container: z.string().min(1).optional(),
  })
  .strict();

/** The `structured` section: JSON log lines become structured bodies. */
export const structuredSchema = z
  .object({
    /**
     * Where lines are parsed as JSON: a record matches a rule when the rule's namespace and
     * container (each when given) are the record's. Empty: nowhere. `[{}]`: everywhere.
     */
    rules: z.array(ruleSchema).default([]),
    /** Keys read for severityText / severityNumber, first present wins. */
    levelKeys: z.array(z.string().min(1)).default(['level', 'severity']),
    /** Keys read for the body text (`message` in the structured body), first present wins. */
    messageKeys: z.array(z.string().min(1)).default(['msg', 'message']),
  })
  .strict()
  .prefault({});
export type StructuredConfig = z.output<typeof structuredSchema>;

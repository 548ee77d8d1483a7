import type { StructuredConfig } from '../config/structured';
import type { PodtailContext, PodtailExtension } from '../pipeline/extension';
import type { PodtailRecord, RecordOrigin, RecordProcessor } from '../pipeline/record';
import { counterIn } from '../attribution/registry-metrics';
import { severityOf } from './severity';

/** Whether a record of this namespace and container has its JSON parsed. */
export function structuredApplies(cfg: StructuredConfig, namespace: string, container: string): boolean {
  return cfg.rules.some(
    (r) =>
      (r.namespace === undefined || r.namespace === namespace) &&
      (r.container === undefined || r.container === container),
  );
}

/**
 * Structured bodies: where a rule applies, a line that is a JSON object becomes the record's
 * body (an object). The first of `levelKeys` present becomes severityText/severityNumber and
 * leaves the body; the first of `messageKeys` becomes the body's `message` (the text). A line
 * that starts like JSON but is not an object stays a plain string and is counted.
 */
export class StructuredProcessor implements RecordProcessor {
  readonly name = 'structured';
  readonly keepsResource = true;
  readonly keepsAttributes = true;
  private readonly cache = new Map<string, boolean>();
  private readonly malformed;
  private readonly parsed;

  constructor(
    private readonly cfg: StructuredConfig,
    ctx: Pick<PodtailContext, 'registry'>,
  ) {
    this.malformed = counterIn(
      ctx.registry,
      'podtail_structured_malformed_total',
      'Lines that looked like JSON objects but did not parse; shipped as plain text',
      ['namespace'],
    );
    this.parsed = counterIn(
      ctx.registry,
      'podtail_structured_parsed_total',
      'Lines turned into structured bodies',
      ['namespace'],
    );
  }

  process(record: PodtailRecord, origin: RecordOrigin): PodtailRecord {
    if (typeof record.body !== 'string' || !this.applies(origin)) return record;
    const text = record.body.trim();
    if (!text.startsWith('{')) return record;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      this.malformed.inc({ namespace: origin.namespace });
      return record;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      this.malformed.inc({ namespace: origin.namespace });
      return record;
    }
    const body: Record<string, unknown> = { ...(obj as Record<string, unknown>) };
    const levelKey = this.cfg.levelKeys.find((k) => k in body);
    if (levelKey !== undefined) {
      const sev = severityOf(body[levelKey]);
      if (sev) {
        record.severityText = sev.text;
        if (sev.number !== undefined) record.severityNumber = sev.number;
        delete body[levelKey];
      }
    }
    const msgKey = this.cfg.messageKeys.find((k) => typeof body[k] === 'string');
    if (msgKey !== undefined && msgKey !== 'message') {
      const msg = body[msgKey];
      delete body[msgKey];
      body.message = msg;
    }
    record.body = body;
    this.parsed.inc({ namespace: origin.namespace });
    return record;
  }

  private applies(origin: RecordOrigin): boolean {
    const key = `${origin.namespace}\u0000${origin.containerName}`;
    let v = this.cache.get(key);
    if (v === undefined) {
      v = structuredApplies(this.cfg, origin.namespace, origin.containerName);
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, v);
    }
    return v;
  }
}

/** The structured-body extension; `undefined` when no rule is configured. */
export function createStructuredExtension(ctx: PodtailContext): PodtailExtension | undefined {
  if (ctx.config.structured.rules.length === 0) return undefined;
  return { name: 'structured', processors: [new StructuredProcessor(ctx.config.structured, ctx)] };
}

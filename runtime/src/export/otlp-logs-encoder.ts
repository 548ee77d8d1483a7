import type { AttributeValue, PodtailRecord } from '../pipeline/record';
import { ProtoWriter } from './proto-writer';

/**
 * Hand-written OTLP protobuf encoding of an ExportLogsServiceRequest (same layout as
 * LogsData): records grouped by resource, one ScopeLogs per resource.
 *
 * Field numbers (opentelemetry-proto v1): LogsData.resource_logs=1; ResourceLogs.resource=1,
 * scope_logs=2; Resource.attributes=1; ScopeLogs.scope=1, log_records=2;
 * InstrumentationScope.name=1, version=2; LogRecord.time_unix_nano=1 (fixed64),
 * severity_number=2, severity_text=3, body=5, attributes=6, observed_time_unix_nano=11
 * (fixed64); KeyValue.key=1, value=2; AnyValue.string_value=1, bool_value=2, int_value=3,
 * double_value=4, array_value=5, kvlist_value=6; ArrayValue.values=1; KeyValueList.values=1.
 */
export class OtlpLogsEncoder {
  private readonly w = new ProtoWriter(1024 * 1024);
  private readonly keyCache = new WeakMap<object, string>();

  constructor(
    private readonly scopeName = 'podtail',
    private readonly scopeVersion = '',
  ) {}

  encode(records: readonly PodtailRecord[]): Buffer {
    const groups = new Map<string, PodtailRecord[]>();
    let lastResource: object | undefined;
    let lastGroup: PodtailRecord[] | undefined;
    for (const r of records) {
      if (r.resource === lastResource && lastGroup) {
        lastGroup.push(r);
        continue;
      }
      const key = this.resourceKey(r.resource);
      let g = groups.get(key);
      if (!g) {
        g = [];
        groups.set(key, g);
      }
      g.push(r);
      lastResource = r.resource;
      lastGroup = g;
    }
    const w = this.w;
    w.reset();
    for (const group of groups.values()) {
      const rl = w.fork();
      const res = w.fork();
      writeAttributes(w, 1, group[0].resource);
      w.join(1, res);
      const sl = w.fork();
      const scope = w.fork();
      w.string(1, this.scopeName);
      if (this.scopeVersion) w.string(2, this.scopeVersion);
      w.join(1, scope);
      for (const r of group) writeLogRecord(w, r);
      w.join(2, sl);
      w.join(1, rl);
    }
    return w.finish();
  }

  private resourceKey(resource: Record<string, AttributeValue>): string {
    let k = this.keyCache.get(resource);
    if (k === undefined) {
      k = JSON.stringify(resource);
      this.keyCache.set(resource, k);
    }
    return k;
  }
}

function writeLogRecord(w: ProtoWriter, r: PodtailRecord): void {
  const m = w.fork();
  w.fixed64Decimal(1, r.timeUnixNano);
  if (r.severityNumber !== undefined) {
    w.tag(2, 0);
    w.varint(r.severityNumber);
  }
  if (r.severityText !== undefined) w.string(3, r.severityText);
  const body = w.fork();
  writeAnyValue(w, r.body);
  w.join(5, body);
  writeAttributes(w, 6, r.attributes);
  w.fixed64Decimal(11, r.observedTimeUnixNano);
  w.join(2, m);
}

function writeAttributes(w: ProtoWriter, field: number, attrs: Record<string, unknown>): void {
  for (const key in attrs) {
    const v = attrs[key];
    if (v === undefined) continue;
    const kv = w.fork();
    w.string(1, key);
    const av = w.fork();
    writeAnyValue(w, v);
    w.join(2, av);
    w.join(field, kv);
  }
}

/** Writes the fields of an AnyValue (the caller wraps them). */
function writeAnyValue(w: ProtoWriter, v: unknown): void {
  switch (typeof v) {
    case 'string':
      w.string(1, v);
      return;
    case 'boolean':
      w.bool(2, v);
      return;
    case 'number':
      if (Number.isSafeInteger(v)) w.int64(3, v);
      else w.double(4, v);
      return;
    case 'bigint':
      w.int64(3, Number(v));
      return;
    case 'object': {
      if (v === null) return;
      if (Array.isArray(v)) {
        const arr = w.fork();
        for (const item of v) {
          const av = w.fork();
          writeAnyValue(w, item);
          w.join(1, av);
        }
        w.join(5, arr);
        return;
      }
      if (v instanceof Uint8Array) {
        w.bytes(7, v);
        return;
      }
      const kvl = w.fork();
      writeAttributes(w, 1, v as Record<string, unknown>);
      w.join(6, kvl);
      return;
    }
    default:
      w.string(1, String(v));
  }
}

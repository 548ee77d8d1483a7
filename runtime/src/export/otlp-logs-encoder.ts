import type { AttributeValue, PodtailRecord } from '../pipeline/record';
import { ProtoWriter, varintSize } from './proto-writer';

/** Longest string attribute value whose encoded KeyValue is cached. */
const CACHE_VALUE_CHARS = 512;
const CACHE_ENTRIES = 8192;

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
  /** Encoded `attributes` fields (KeyValue with a string value), by key then value. */
  private readonly kvCache = new Map<string, Map<string, Buffer>>();
  private kvEntries = 0;
  private readonly scratch = new ProtoWriter(1024);
  private readonly parts: Buffer[] = [];
  /** The attributes object `parts` encodes (within one `encode` call), and their size. */
  private partsOf: object | undefined;
  private partsBytes = 0;

  constructor(
    private readonly scopeName = 'podtail',
    private readonly scopeVersion = '',
  ) {}

  encode(records: readonly PodtailRecord[]): Buffer {
    return Buffer.from(this.encodeShared(records));
  }

  /**
   * Like `encode`, without copying: the result is a view of the encoder's buffer, valid until
   * the next call (an exporter that sends one request at a time and waits for it).
   */
  encodeShared(records: readonly PodtailRecord[]): Buffer {
    // Group by resource: by object identity first, then by shallow equality against the groups
    // seen so far (records of one file share equal resources), then by a serialized key.
    const groups: Array<{ resource: Record<string, AttributeValue>; records: PodtailRecord[] }> = [];
    const byKey = new Map<string, PodtailRecord[]>();
    let last: { resource: Record<string, AttributeValue>; records: PodtailRecord[] } | undefined;
    for (const r of records) {
      if (last && (r.resource === last.resource || shallowEqual(r.resource, last.resource))) {
        last.records.push(r);
        continue;
      }
      let found: (typeof groups)[number] | undefined;
      if (groups.length <= 32) {
        for (const g of groups) {
          if (r.resource === g.resource || shallowEqual(r.resource, g.resource)) {
            found = g;
            break;
          }
        }
      } else {
        const key = this.resourceKey(r.resource);
        const list = byKey.get(key);
        if (list) found = groups.find((g) => g.records === list);
      }
      if (!found) {
        found = { resource: r.resource, records: [] };
        groups.push(found);
        if (groups.length > 32) {
          for (const g of groups) byKey.set(this.resourceKey(g.resource), g.records);
        }
      }
      found.records.push(r);
      last = found;
    }
    const w = this.w;
    w.reset();
    this.partsOf = undefined;
    for (const { resource, records: group } of groups) {
      const rl = w.fork();
      const res = w.fork();
      writeAttributes(w, 1, resource);
      w.join(1, res);
      const sl = w.fork();
      const scope = w.fork();
      w.string(1, this.scopeName);
      if (this.scopeVersion) w.string(2, this.scopeVersion);
      w.join(1, scope);
      for (const r of group) if (!this.writeLogRecordFast(r)) writeLogRecord(w, r);
      w.join(2, sl);
      w.join(1, rl);
    }
    return w.buf.subarray(0, w.pos);
  }

  /** The `attributes` field (6) of a LogRecord holding key = value, encoded once and cached. */
  private encodedAttribute(key: string, value: string): Buffer {
    let byValue = this.kvCache.get(key);
    if (!byValue) {
      byValue = new Map();
      this.kvCache.set(key, byValue);
    }
    let b = byValue.get(value);
    if (!b) {
      if (this.kvEntries >= CACHE_ENTRIES) {
        this.kvCache.clear();
        this.kvEntries = 0;
        byValue = new Map();
        this.kvCache.set(key, byValue);
      }
      const w = this.scratch;
      w.reset();
      const kv = w.fork();
      w.string(1, key);
      const av = w.fork();
      w.string(1, value);
      w.join(2, av);
      w.join(6, kv);
      b = w.finish();
      byValue.set(value, b);
      this.kvEntries++;
    }
    return b;
  }

  /**
   * A LogRecord with a string body and short string attributes (the common case), its size
   * computed up front so nothing is moved. Returns false to fall back to the general writer.
   */
  private writeLogRecordFast(r: PodtailRecord): boolean {
    const body = r.body;
    if (typeof body !== 'string' || r.severityText !== undefined || r.severityNumber !== undefined)
      return false;
    const parts = this.parts;
    const attrs = r.attributes;
    if (attrs !== this.partsOf) {
      // Records of one file share their attributes object: encode it once per batch.
      this.partsOf = undefined;
      parts.length = 0;
      let n = 0;
      for (const key in attrs) {
        const v = attrs[key];
        if (typeof v !== 'string' || v.length > CACHE_VALUE_CHARS) return false;
        const b = this.encodedAttribute(key, v);
        parts.push(b);
        n += b.length;
      }
      this.partsOf = attrs;
      this.partsBytes = n;
    }
    const attrBytes = this.partsBytes;
    const bodyLen = Buffer.byteLength(body, 'utf8');
    const anyLen = 1 + varintSize(bodyLen) + bodyLen;
    const size = 9 + 1 + varintSize(anyLen) + anyLen + attrBytes + 9;
    const w = this.w;
    w.ensure(size + 6);
    w.tag(2, 2);
    w.varint(size);
    w.fixed64Decimal(1, r.timeUnixNano);
    w.tag(5, 2);
    w.varint(anyLen);
    w.tag(1, 2);
    w.varint(bodyLen);
    w.utf8(body, bodyLen);
    for (let i = 0; i < parts.length; i++) w.raw(parts[i]);
    w.fixed64Decimal(11, r.observedTimeUnixNano);
    return true;
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

function shallowEqual(a: Record<string, AttributeValue>, b: Record<string, AttributeValue>): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _k in b) n--;
  return n === 0;
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

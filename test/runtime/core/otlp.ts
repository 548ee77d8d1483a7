import { join } from 'node:path';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(join(__dirname, 'fixtures/logs.proto'));
const Request = root.lookupType('podtail.test.ExportLogsServiceRequest');

export interface DecodedRecord {
  time: string;
  observed: string;
  body: unknown;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: string;
}

function anyValue(v: Record<string, unknown> | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v)
    return ((v.arrayValue as { values?: unknown[] }).values ?? []).map((x) =>
      anyValue(x as Record<string, unknown>),
    );
  if ('kvlistValue' in v) return kvs((v.kvlistValue as { values?: unknown[] }).values);
  return undefined;
}

function kvs(list: unknown[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of (list ?? []) as Array<{ key: string; value?: Record<string, unknown> }>)
    out[kv.key] = anyValue(kv.value);
  return out;
}

/** Decodes an ExportLogsServiceRequest with protobufjs into flat records. */
export function decodeLogs(buf: Buffer): DecodedRecord[] {
  const msg = Request.toObject(Request.decode(buf), { longs: String, oneofs: false, defaults: false }) as {
    resourceLogs?: Array<{
      resource?: { attributes?: unknown[] };
      scopeLogs?: Array<{ scope?: { name?: string }; logRecords?: Array<Record<string, unknown>> }>;
    }>;
  };
  const out: DecodedRecord[] = [];
  for (const rl of msg.resourceLogs ?? []) {
    const resource = kvs(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const lr of sl.logRecords ?? []) {
        out.push({
          time: String(lr.timeUnixNano),
          observed: String(lr.observedTimeUnixNano),
          body: anyValue(lr.body as Record<string, unknown>),
          attributes: kvs(lr.attributes as unknown[]),
          resource,
          scope: sl.scope?.name ?? '',
        });
      }
    }
  }
  return out;
}

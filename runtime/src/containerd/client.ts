import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Grpc from '@grpc/grpc-js';
import type * as Protobuf from 'protobufjs';

let grpcModule: typeof Grpc | undefined;
let protobufModule: typeof Protobuf | undefined;

/** `@grpc/grpc-js`, loaded on first use: podtail with containerd off never loads it. */
function grpcJs(): typeof Grpc {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  grpcModule ??= require('@grpc/grpc-js') as typeof Grpc;
  return grpcModule;
}

/** `protobufjs`, loaded on first use. */
function protobufJs(): typeof Protobuf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  protobufModule ??= require('protobufjs') as typeof Protobuf;
  return protobufModule;
}

/** Where the `.proto` files shipped in the package live (`runtime/proto`). */
export function protoDir(): string {
  // src/containerd/client.ts and lib/containerd/client.js are both two levels below the package.
  const dir = join(__dirname, '..', '..', 'proto');
  if (!existsSync(join(dir, 'containerd.proto'))) {
    throw new Error(
      `podtail's containerd .proto files are missing from ${dir}: reinstall the podtail package (its "files" must include "proto")`,
    );
  }
  return dir;
}

let rootCache: Protobuf.Root | undefined;

/** The protobuf types podtail uses to talk to containerd, loaded once. */
export function containerdProtos(): Protobuf.Root {
  if (!rootCache) {
    const dir = protoDir();
    const root = new (protobufJs().Root)();
    root.loadSync([join(dir, 'containerd.proto'), join(dir, 'containerd-events.proto')]);
    root.resolveAll();
    rootCache = root;
  }
  return rootCache;
}

const NS_HEADER = 'containerd-namespace';
const T = 'podtail.containerd.';

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface ContainerMessage {
  id: string;
  labels: Record<string, string>;
  image: string;
  createdAt?: Timestamp;
}

/** Task status, as containerd reports it. */
export type TaskStatusName = 'UNKNOWN' | 'CREATED' | 'RUNNING' | 'STOPPED' | 'PAUSED' | 'PAUSING';

export interface ProcessMessage {
  containerId: string;
  id: string;
  pid: number;
  status: TaskStatusName;
  exitStatus: number;
  exitedAt?: Timestamp;
}

/** An event as it arrived on the stream, its payload decoded when podtail knows its type. */
export interface ContainerdEvent {
  timestamp?: Timestamp;
  namespace: string;
  topic: string;
  /** The bare type name from `Any.type_url`, e.g. `containerd.events.TaskExit`. */
  type: string;
  payload: Record<string, unknown> | undefined;
}

/** One open event subscription; `end` fires once, with the reason the stream ended. */
export interface EventStream {
  on(event: 'event', listener: (e: ContainerdEvent) => void): this;
  on(event: 'end', listener: (err: Error) => void): this;
  cancel(): void;
}

/** A gRPC error code from containerd (`grpc.status`), when the error has one. */
export function grpcCode(err: unknown): number | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : undefined;
}

const toObjectOptions: Protobuf.IConversionOptions = {
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
};

/**
 * A thin client for the containerd calls podtail makes, over the unix socket. Messages are
 * encoded with protobufjs from podtail's own `.proto` files; method paths are containerd's.
 */
export class ContainerdClient {
  private readonly client: Grpc.Client;
  private readonly root = containerdProtos();

  constructor(
    readonly socket: string,
    options: { connectTimeoutMs?: number } = {},
  ) {
    const grpc = grpcJs();
    this.client = new grpc.Client(`unix:${socket}`, grpc.credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    });
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  }

  private readonly connectTimeoutMs: number;

  close(): void {
    this.client.close();
  }

  private type(name: string): Protobuf.Type {
    return this.root.lookupType(name);
  }

  private serializer(name: string): (v: object) => Buffer {
    const t = this.type(T + name);
    return (v) => Buffer.from(t.encode(t.fromObject(v)).finish());
  }

  private deserializer<R>(name: string): (b: Buffer) => R {
    const t = this.type(T + name);
    return (b) => t.toObject(t.decode(b), toObjectOptions) as R;
  }

  private metadata(namespace?: string): Grpc.Metadata {
    const md = new (grpcJs().Metadata)();
    if (namespace) md.set(NS_HEADER, namespace);
    return md;
  }

  private unary<R>(
    path: string,
    reqType: string,
    resType: string,
    req: object,
    namespace?: string,
  ): Promise<R> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest<object, R>(
        path,
        this.serializer(reqType),
        this.deserializer<R>(resType),
        req,
        this.metadata(namespace),
        { deadline: Date.now() + this.connectTimeoutMs * 2 },
        (err, res) => (err || res === undefined ? reject(err ?? new Error('empty')) : resolve(res)),
      );
    });
  }

  /** Waits until the channel to the socket is connected (or the timeout passes). */
  waitForReady(timeoutMs = this.connectTimeoutMs): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
    });
  }

  async listNamespaces(): Promise<string[]> {
    const res = await this.unary<{ namespaces: Array<{ name: string }> }>(
      '/containerd.services.namespaces.v1.Namespaces/List',
      'ListNamespacesRequest',
      'ListNamespacesResponse',
      {},
    );
    return res.namespaces.map((n) => n.name);
  }

  async listContainers(namespace: string, filters: string[] = []): Promise<ContainerMessage[]> {
    const res = await this.unary<{ containers: ContainerMessage[] }>(
      '/containerd.services.containers.v1.Containers/List',
      'ListContainersRequest',
      'ListContainersResponse',
      { filters },
      namespace,
    );
    return res.containers;
  }

  async listTasks(namespace: string): Promise<ProcessMessage[]> {
    const res = await this.unary<{ tasks: ProcessMessage[] }>(
      '/containerd.services.tasks.v1.Tasks/List',
      'ListTasksRequest',
      'ListTasksResponse',
      {},
      namespace,
    );
    // containerd 1.6 puts the container id in `id` and leaves `container_id` empty.
    return res.tasks.map((t) => ({ ...t, containerId: t.containerId || t.id }));
  }

  /** Pids of a container's task; `[]` when it has no task (NOT_FOUND) or a stopped one. */
  async listPids(namespace: string, containerId: string): Promise<number[]> {
    try {
      const res = await this.unary<{ processes: Array<{ pid: number }> }>(
        '/containerd.services.tasks.v1.Tasks/ListPids',
        'ListPidsRequest',
        'ListPidsResponse',
        { containerId },
        namespace,
      );
      return res.processes.map((p) => p.pid);
    } catch (e) {
      if (grpcCode(e) === grpcJs().status.NOT_FOUND) return [];
      throw e;
    }
  }

  /** Publishes a `podtail.containerd.Barrier` event on `topic` in `namespace`. */
  async publishBarrier(namespace: string, topic: string, nonce: string): Promise<void> {
    const barrier = this.type(T + 'Barrier');
    const value = barrier.encode(barrier.fromObject({ nonce })).finish();
    await this.unary<object>(
      '/containerd.services.events.v1.Events/Publish',
      'PublishRequest',
      'Empty',
      { topic, event: { typeUrl: T + 'Barrier', value } },
      namespace,
    );
  }

  /** Opens an event subscription with containerd's filter syntax (filters are ORed). */
  subscribe(filters: string[]): EventStream {
    const call = this.client.makeServerStreamRequest<object, Buffer>(
      '/containerd.services.events.v1.Events/Subscribe',
      this.serializer('SubscribeRequest'),
      (b: Buffer) => b,
      { filters },
      this.metadata(),
      {},
    );
    const envelope = this.type(T + 'Envelope');
    let ended = false;
    const listeners: { event: Array<(e: ContainerdEvent) => void>; end: Array<(e: Error) => void> } = {
      event: [],
      end: [],
    };
    const finish = (err: Error): void => {
      if (ended) return;
      ended = true;
      for (const l of listeners.end) l(err);
    };
    call.on('data', (buf: Buffer) => {
      const env = envelope.toObject(envelope.decode(buf), toObjectOptions) as {
        timestamp?: Timestamp;
        namespace: string;
        topic: string;
        event?: { typeUrl: string; value: Uint8Array };
      };
      const typeUrl = env.event?.typeUrl ?? '';
      // containerd 1.6 sends bare names; newer releases may prefix `types.containerd.io/`.
      const type = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
      let payload: Record<string, unknown> | undefined;
      const t = this.root.lookup(type);
      if (t instanceof protobufJs().Type && env.event) {
        try {
          payload = t.toObject(t.decode(env.event.value), toObjectOptions);
        } catch {
          payload = undefined;
        }
      }
      const e: ContainerdEvent = {
        timestamp: env.timestamp,
        namespace: env.namespace,
        topic: env.topic,
        type,
        payload,
      };
      for (const l of listeners.event) l(e);
    });
    call.on('error', (err: Error) => finish(err));
    call.on('end', () => finish(new Error('containerd closed the event stream')));
    const stream: EventStream = {
      on(event: 'event' | 'end', listener: ((e: ContainerdEvent) => void) | ((e: Error) => void)) {
        (listeners[event] as Array<typeof listener>).push(listener);
        return stream;
      },
      cancel() {
        call.cancel();
        finish(new Error('event subscription cancelled'));
      },
    } as EventStream;
    return stream;
  }
}

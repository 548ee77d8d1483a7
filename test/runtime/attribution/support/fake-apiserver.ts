/**
 * A stand-in for the Kubernetes API server, which cannot run on this machine. It speaks the
 * real list/watch protocol for pods over real HTTP: `GET /api/v1/pods?fieldSelector=...` (a
 * PodList with `metadata.resourceVersion`, paged with `limit`/`continue`), and
 * `?watch=true&resourceVersion=R&allowWatchBookmarks=true` as a chunked stream of JSON lines
 * (ADDED / MODIFIED / DELETED / BOOKMARK / ERROR) replaying what happened after R and then
 * streaming live; a resourceVersion older than the compaction point gets 410 Gone, either as
 * an ERROR event carrying a Status (what a real server does mid-stream) or as an HTTP 410.
 * It can also answer 403 with a Status body, and serves ReplicaSets and Jobs by name.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Obj = {
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string } & Record<
    string,
    unknown
  >;
} & Record<string, unknown>;

interface Event {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: Obj;
}

export interface RequestLog {
  method: string;
  path: string;
  query: URLSearchParams;
  auth?: string;
}

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

export class FakeApiServer {
  readonly token = 'test-token';
  readonly requests: RequestLog[] = [];
  private server?: Server;
  private rv = 100;
  private readonly pods = new Map<string, Obj>();
  private readonly events: Event[] = [];
  /** Watches starting before this resourceVersion get 410 Gone. */
  compactedBefore = 0;
  /** How a too-old watch is refused. */
  goneMode: 'event' | 'http' = 'event';
  /** Answer every request with 403. */
  forbidden = false;
  /** Answer replicaset/job reads with 403. */
  forbidOwners = false;
  readonly replicaSets = new Map<string, Obj>();
  readonly jobs = new Map<string, Obj>();
  private readonly watchers = new Set<{ res: ServerResponse; node: string }>();

  /** Listens on `port` (0: a free one). */
  async start(port = 0): Promise<number> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    return this.port;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.closeWatches();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** Writes a kubeconfig for this server into a temp dir; returns its path. */
  writeKubeconfig(): string {
    const dir = mkdtempSync(join(tmpdir(), 'podtail-kubeconfig-'));
    const path = join(dir, 'config');
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: fake\n  cluster:\n    server: http://127.0.0.1:${this.port}\n    insecure-skip-tls-verify: true`,
        'users:',
        `- name: podtail\n  user:\n    token: ${this.token}`,
        'contexts:',
        '- name: fake\n  context:\n    cluster: fake\n    user: podtail',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return path;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Creates or updates a pod (ADDED or MODIFIED). */
  put(pod: Obj): void {
    const uid = pod.metadata.uid!;
    const type = this.pods.has(uid) ? 'MODIFIED' : 'ADDED';
    this.record(type, pod);
    this.pods.set(uid, pod);
  }

  delete(uid: string): void {
    const pod = this.pods.get(uid);
    if (!pod) return;
    this.pods.delete(uid);
    this.record('DELETED', pod);
  }

  /** Changes state without telling watchers (as if the events were compacted away). */
  putSilently(pod: Obj): void {
    this.rv++;
    pod.metadata.resourceVersion = String(this.rv);
    this.pods.set(pod.metadata.uid!, pod);
    this.compactedBefore = this.rv;
  }

  deleteSilently(uid: string): void {
    this.pods.delete(uid);
    this.rv++;
    this.compactedBefore = this.rv;
  }

  /** Sends a BOOKMARK at the current resourceVersion to every watcher. */
  bookmark(): void {
    this.rv++;
    for (const w of this.watchers)
      this.write(w.res, {
        type: 'BOOKMARK',
        object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } },
      });
  }

  /** Sends a 410 ERROR event to every watcher and ends their streams (the real server's way). */
  expireWatches(): void {
    this.compactedBefore = this.rv;
    for (const w of this.watchers) {
      this.write(w.res, { type: 'ERROR', object: status(410, 'Expired', 'too old resource version') });
      w.res.end();
    }
    this.watchers.clear();
  }

  /** Sends an ERROR event with a non-410 Status (e.g. 500) to every watcher and ends their streams. */
  failWatches(code: number): void {
    for (const w of this.watchers) {
      this.write(w.res, { type: 'ERROR', object: status(code, 'InternalError', 'etcd leader changed') });
      w.res.end();
    }
    this.watchers.clear();
  }

  /** Ends every watch stream cleanly (as when timeoutSeconds elapses). */
  closeWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Drops every connection (a network failure). */
  dropConnections(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  private record(type: Event['type'], pod: Obj): void {
    this.rv++;
    pod.metadata.resourceVersion = String(this.rv);
    const copy = JSON.parse(JSON.stringify(pod)) as Obj;
    this.events.push({ rv: this.rv, type, obj: copy });
    for (const w of this.watchers) if (this.onNode(copy, w.node)) this.write(w.res, { type, object: copy });
  }

  private onNode(pod: Obj, node: string): boolean {
    return (pod.spec as { nodeName?: string } | undefined)?.nodeName === node;
  }

  private write(res: ServerResponse, ev: unknown): void {
    res.write(JSON.stringify(ev) + '\n');
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      auth: req.headers.authorization,
    });
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return this.json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    if (this.forbidden)
      return this.json(
        res,
        403,
        status(
          403,
          'Forbidden',
          'pods is forbidden: User "system:serviceaccount:o:podtail" cannot list resource "pods"',
        ),
      );
    const owner = /^\/apis\/(apps|batch)\/v1\/namespaces\/([^/]+)\/(replicasets|jobs)\/([^/]+)$/.exec(
      url.pathname,
    );
    if (owner) {
      if (this.forbidOwners) return this.json(res, 403, status(403, 'Forbidden', `${owner[3]} is forbidden`));
      const map = owner[3] === 'replicasets' ? this.replicaSets : this.jobs;
      const o = map.get(`${owner[2]}/${owner[4]}`);
      return o ? this.json(res, 200, o) : this.json(res, 404, status(404, 'NotFound', 'not found'));
    }
    if (url.pathname !== '/api/v1/pods') return this.json(res, 404, status(404, 'NotFound', 'not found'));
    const sel = /^spec\.nodeName=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '');
    const node = sel?.[1] ?? '';
    if (url.searchParams.get('watch') === 'true') return this.watch(url, node, res);
    const all = [...this.pods.values()].filter((p) => !sel || this.onNode(p, node));
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const start = Number(url.searchParams.get('continue') || '0');
    const items = limit ? all.slice(start, start + limit) : all;
    const next = limit && start + limit < all.length ? String(start + limit) : undefined;
    this.json(res, 200, {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.rv), ...(next ? { continue: next } : {}) },
      items,
    });
  }

  private watch(url: URL, node: string, res: ServerResponse): void {
    const from = Number(url.searchParams.get('resourceVersion') ?? '0');
    if (from < this.compactedBefore) {
      if (this.goneMode === 'http')
        return this.json(res, 410, status(410, 'Expired', 'too old resource version'));
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      this.write(res, { type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from}`) });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    for (const ev of this.events)
      if (ev.rv > from && this.onNode(ev.obj, node)) this.write(res, { type: ev.type, object: ev.obj });
    const w = { res, node };
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
  }
}

/** A pod as the API returns it, scheduled on `node`. */
export function makePod(p: {
  name: string;
  namespace?: string;
  uid: string;
  node?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: { kind: string; name: string };
  containers?: Array<{ name: string; image?: string; env?: Array<{ name: string; value?: string }> }>;
  statuses?: Array<{
    name: string;
    image?: string;
    containerID?: string;
    restartCount?: number;
    lastID?: string;
  }>;
  status?: Record<string, unknown>;
}): Obj {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: p.name,
      namespace: p.namespace ?? 'default',
      uid: p.uid,
      labels: p.labels ?? {},
      annotations: p.annotations ?? {},
      ...(p.owner
        ? {
            ownerReferences: [
              { apiVersion: 'v1', kind: p.owner.kind, name: p.owner.name, uid: 'o', controller: true },
            ],
          }
        : {}),
    },
    spec: {
      nodeName: p.node ?? 'node-a',
      containers: p.containers ?? [{ name: 'main', image: 'docker.io/library/busybox:1.36' }],
    },
    status: {
      phase: 'Running',
      containerStatuses: (p.statuses ?? []).map((s) => ({
        name: s.name,
        image: s.image ?? 'docker.io/library/busybox:1.36',
        imageID: '',
        ready: true,
        restartCount: s.restartCount ?? 0,
        containerID: s.containerID,
        ...(s.lastID ? { lastState: { terminated: { containerID: s.lastID, exitCode: 1 } } } : {}),
      })),
      ...p.status,
    },
  };
}

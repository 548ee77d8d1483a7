import type { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { kubernetesClient } from './api-module';
import { parsePod, type Pod } from './pod';
import { statusOf } from './client';

/** What the informer tells its owner. */
export interface PodInformerHandlers {
  /** The full set of pods on the node after a list (first start, 410 Gone, expired continue). */
  replace(pods: Pod[]): void;
  /** ADDED or MODIFIED. */
  upsert(pod: Pod): void;
  /** DELETED. */
  remove(pod: Pod): void;
  /** The list or the watch failed; the informer retries after `retryInMs`. */
  down(reason: { status?: number; message: string; retryInMs: number }): void;
  /** A list succeeded after start or after being down. */
  up(): void;
  /** An object the informer could not use (logged and skipped). */
  invalid?(message: string): void;
}

export interface PodInformerOptions {
  readonly kubeConfig: KubeConfig;
  readonly nodeName: string;
  readonly handlers: PodInformerHandlers;
  readonly watchTimeoutSeconds: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Page size of the list. */
  readonly pageSize?: number;
}

class GoneError extends Error {
  readonly statusCode = 410;
}

/**
 * A node-scoped pod informer: list (`fieldSelector=spec.nodeName=<node>`, paged), then watch
 * from the list's resourceVersion with bookmarks, re-watch from the last seen resourceVersion
 * when the server ends the watch, relist on 410 Gone (an ERROR event with a 410 Status or an
 * HTTP 410), and retry everything else with exponential backoff and jitter. A 403 is reported
 * like any failure and retried at the backoff ceiling, since RBAC can be fixed while it runs.
 *
 * Built on `@kubernetes/client-node`'s generated CoreV1Api (list) and Watch (streaming); its
 * ListWatch cache has no bookmarks, backoff or 403 handling, so the loop is here.
 */
export class PodInformer {
  private readonly api: CoreV1Api;
  private readonly watcher: Watch;
  private readonly fieldSelector: string;
  private resourceVersion = '';
  private stopped = true;
  private loop?: Promise<void>;
  private abortWatch?: () => void;
  private wakeSleep?: () => void;
  private healthy = false;
  private backoffMs: number;
  private syncWaiters: Array<() => void> = [];
  /** Watch requests made, lists made: for diagnostics and tests. */
  readonly stats = { lists: 0, watches: 0, events: 0, bookmarks: 0, gone: 0 };

  constructor(private readonly opts: PodInformerOptions) {
    const k8s = kubernetesClient();
    this.api = opts.kubeConfig.makeApiClient(k8s.CoreV1Api);
    this.watcher = new k8s.Watch(opts.kubeConfig);
    this.fieldSelector = `spec.nodeName=${opts.nodeName}`;
    this.backoffMs = opts.initialBackoffMs;
  }

  /** True after a successful list, until the next failure. */
  get isHealthy(): boolean {
    return this.healthy;
  }

  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Resolves true once a list has succeeded, false after `timeoutMs` or on stop. */
  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.healthy) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => done(false), timeoutMs);
      const done = (v: boolean) => {
        clearTimeout(t);
        this.syncWaiters = this.syncWaiters.filter((w) => w !== onSync);
        resolve(v);
      };
      const onSync = () => done(this.healthy);
      this.syncWaiters.push(onSync);
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abortWatch?.();
    this.wakeSleep?.();
    this.syncWaiters.forEach((w) => w());
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.list();
        const sawEvents = await this.watchOnce();
        if (sawEvents) this.backoffMs = this.opts.initialBackoffMs;
      } catch (err) {
        if (this.stopped) return;
        const status = statusOf(err);
        if (status === 410 || err instanceof GoneError) {
          // The resourceVersion is too old: relist at once.
          this.stats.gone++;
          this.resourceVersion = '';
          continue;
        }
        this.healthy = false;
        const retryInMs =
          status === 403
            ? this.opts.maxBackoffMs
            : Math.min(this.opts.maxBackoffMs, this.backoffMs * (0.8 + Math.random() * 0.4));
        this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs);
        this.opts.handlers.down({ status, message: messageOf(err), retryInMs });
        // Forbidden will not clear by itself soon: do not hold up start.
        if (status === 403) this.syncWaiters.forEach((w) => w());
        await this.sleep(retryInMs);
      }
    }
  }

  private async list(): Promise<void> {
    const pods: Pod[] = [];
    let cont: string | undefined;
    let rv = '';
    this.stats.lists++;
    do {
      const page = await this.api.listPodForAllNamespaces({
        fieldSelector: this.fieldSelector,
        limit: this.opts.pageSize ?? 500,
        _continue: cont,
      });
      for (const item of page.items ?? []) {
        const { pod, error } = parsePod(item);
        if (pod) pods.push(pod);
        else this.opts.handlers.invalid?.(`pod in list skipped: ${error}`);
      }
      cont = page.metadata?._continue || undefined;
      rv = page.metadata?.resourceVersion ?? '';
    } while (cont && !this.stopped);
    if (this.stopped) return;
    this.opts.handlers.replace(pods);
    this.resourceVersion = rv;
    this.healthy = true;
    this.backoffMs = this.opts.initialBackoffMs;
    this.opts.handlers.up();
    this.syncWaiters.forEach((w) => w());
  }

  /** One watch request; resolves when the server ends it, rejects on failure or 410. */
  private watchOnce(): Promise<boolean> {
    this.stats.watches++;
    let sawEvents = false;
    let gone = false;
    let streamError: string | undefined;
    return new Promise<boolean>((resolve, reject) => {
      let settled = false;
      // A silent connection (no event, no bookmark) past the server timeout is dead: drop it.
      const staleMs = (this.opts.watchTimeoutSeconds + 30) * 1000;
      let staleTimer: NodeJS.Timeout | undefined;
      let controller: AbortController | undefined;
      const armStale = () => {
        if (staleTimer) clearTimeout(staleTimer);
        staleTimer = setTimeout(() => {
          streamError = `watch silent for ${staleMs} ms (no event or bookmark): reconnecting`;
          controller?.abort();
        }, staleMs);
        staleTimer.unref();
      };
      const settle = (err: unknown) => {
        if (settled) return;
        settled = true;
        if (staleTimer) clearTimeout(staleTimer);
        this.abortWatch = undefined;
        if (gone) reject(new GoneError('410 Gone in the watch stream'));
        else if (streamError) reject(new Error(streamError));
        else if (err) reject(err);
        else resolve(sawEvents);
      };
      this.abortWatch = () => {
        controller?.abort();
        settle(null);
      };
      armStale();
      this.watcher
        .watch(
          '/api/v1/pods',
          {
            fieldSelector: this.fieldSelector,
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: this.opts.watchTimeoutSeconds,
          },
          (type: string, obj: unknown) => {
            armStale();
            this.onEvent(type, obj, (e) => {
              if (e === 'gone') gone = true;
              else if (e === 'event') sawEvents = true;
              else streamError = e.error;
            });
            if (gone || streamError) controller?.abort();
          },
          (err: unknown) => settle(err),
        )
        .then(
          (c) => {
            controller = c;
            if (settled || this.stopped) {
              c.abort();
              return;
            }
            // The watch is streaming (a failed request settles before this).
            this.markUp();
          },
          (err: unknown) => settle(err),
        );
    });
  }

  private markUp(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.backoffMs = this.opts.initialBackoffMs;
    this.opts.handlers.up();
  }

  private onEvent(type: string, obj: unknown, note: (e: 'gone' | 'event' | { error: string }) => void): void {
    if (type === 'ERROR') {
      const status = obj as { code?: number; message?: string; reason?: string };
      if (status?.code === 410) note('gone');
      else
        note({
          error: `watch ERROR event: ${status?.code ?? '?'} ${status?.reason ?? ''} ${status?.message ?? ''}`,
        });
      return;
    }
    const rv = (obj as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
    this.markUp();
    if (type === 'BOOKMARK') {
      this.stats.bookmarks++;
      if (rv) this.resourceVersion = rv;
      return;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
    this.stats.events++;
    note('event');
    const { pod, error } = parsePod(obj);
    if (rv) this.resourceVersion = rv;
    if (!pod) {
      this.opts.handlers.invalid?.(`pod in ${type} event skipped: ${error}`);
      return;
    }
    if (type === 'DELETED') this.opts.handlers.remove(pod);
    else this.opts.handlers.upsert(pod);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeSleep = done;
    });
  }
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const body = (err as { body?: unknown }).body;
    let detail = '';
    if (typeof body === 'string') detail = body.slice(0, 200);
    else if (body && typeof body === 'object') detail = String((body as { message?: unknown }).message ?? '');
    return detail ? `${err.message}: ${detail}` : err.message;
  }
  return String(err);
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthSource {
  /** `true` while the engine runs. */
  healthy(): boolean;
  /** Names of the parts not ready (empty: ready). */
  notReady(): string[];
  /** Parts working but degraded (listed by `/readyz`, which stays 200 for them). */
  degraded?(): string[];
}

/** `/metrics` (Prometheus text), `/healthz`, `/readyz`. */
export class TelemetryServer {
  private server?: http.Server;

  constructor(
    private readonly registry: Registry,
    private readonly health: HealthSource,
  ) {}

  async listen(host: string, port: number): Promise<number> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = (req.url ?? '/').split('?')[0];
    try {
      if (url === '/metrics') {
        const body = await this.registry.metrics();
        res.writeHead(200, { 'content-type': this.registry.contentType });
        res.end(body);
      } else if (url === '/healthz') {
        const ok = this.health.healthy();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(ok ? 'ok\n' : 'stopped\n');
      } else if (url === '/readyz') {
        const missing = this.health.notReady();
        const degraded = this.health.degraded?.() ?? [];
        res.writeHead(missing.length ? 503 : 200, { 'content-type': 'text/plain' });
        res.end(
          (missing.length ? `not ready: ${missing.join(', ')}\n` : 'ready\n') +
            (degraded.length ? `degraded: ${degraded.join(', ')}\n` : ''),
        );
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found: try /metrics, /healthz or /readyz\n');
      }
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    }
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

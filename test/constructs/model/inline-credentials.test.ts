import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Backend, CollectorComponent, GatewayTier, Processors, Receivers } from '../../../constructs/src';
import {
  findInlineCredentials,
  isConfigReference,
  NOT_SECRET_KEY,
  SECRET_HEADER,
  SECRET_KEY,
} from '../../../constructs/src/model/inline-credentials';
import { isReference } from '../../../policies/src/rules';
import { synthValid } from '../kube-validate';
import { BACKENDS, chart } from '../tiers/helpers';

const exporter = (name: string, config: Record<string, unknown>) =>
  new CollectorComponent({ kind: 'exporter', type: 'otlp_http', name, config });

describe('backend credentials only from Secrets', () => {
  test('Backend.custom with an inline Authorization header fails the synth, naming tier, component and key', () => {
    const c = chart();
    new GatewayTier(c, 'gateway', {
      backends: [
        Backend.custom(
          'vendor',
          exporter('vendor', {
            endpoint: 'https://otlp.example',
            headers: { authorization: 'Bearer s3cr3t' },
          }),
        ),
      ],
    });
    let message = '';
    try {
      synthValid(c);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /GatewayTier 'otel-gateway': exporter 'otlp_http\/vendor' has an inline credential in headers.authorization \(value not shown\); credentials come only from Secrets: use headersFromSecrets: \{ 'authorization': \{ secretName, key \} \}/,
    );
    expect(message).not.toContain('s3cr3t');
  });

  test('config.addExporter / addReceiver / addExtension with literal passwords, tokens and keys fail the synth', () => {
    const c = chart();
    const gw = new GatewayTier(c, 'gateway', { backends: BACKENDS });
    gw.config.addExporter(
      exporter('extra', {
        endpoint: 'https://x.example',
        headers: { 'X-Api-Key': 'k-123', 'X-Scope-OrgID': 'tenant-a' },
        auth: { password: 'hunter2', client_secret: 'cs', bearer_token: 'bt' },
      }),
    );
    gw.config.extendPipeline('logs/primary', { exporters: ['otlp_http/extra'] });
    gw.config.addExtension(
      new CollectorComponent({ kind: 'extension', type: 'bearertokenauth', config: { token: 'literal' } }),
    );
    gw.config.addExtension(
      new CollectorComponent({ kind: 'extension', type: 'oauth2client', config: { api_key: 12345 } }),
    );
    let message = '';
    try {
      synthValid(c);
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n').filter((l) => l.includes('inline credential'));
    expect(lines.map((l) => /has an inline credential in (\S+)/.exec(l)?.[1]).sort()).toEqual(
      [
        'api_key',
        'auth.bearer_token',
        'auth.client_secret',
        'auth.password',
        'headers.X-Api-Key',
        'token',
      ].sort(),
    );
    expect(message).toMatch(
      /extension 'bearertokenauth' has an inline credential in token .*valueFrom.secretKeyRef/,
    );
    for (const secret of ['k-123', 'hunter2', 'literal', '12345']) expect(message).not.toContain(secret);
    // X-Scope-OrgID is not a credential header.
    expect(message).not.toContain('X-Scope-OrgID');
  });

  test('references, files and non-secret keys pass; the default tiers have no inline credential', () => {
    const c = chart();
    const gw = new GatewayTier(c, 'gateway', { backends: BACKENDS });
    gw.config.addExporter(
      exporter('ref', {
        endpoint: 'https://x.example',
        headers: { Authorization: 'Bearer ${env:TOKEN}', 'api-key': '${file:/etc/key}', 'X-Tenant': 'a' },
        auth: { authenticator: 'bearertokenauth' },
        tls: { ca_file: '/ca.pem' },
      }),
    );
    gw.config.extendPipeline('logs/primary', { exporters: ['otlp_http/ref'] });
    gw.config.addReceiver(Receivers.otlp({ name: 'x', grpcEndpoint: '0.0.0.0:5317', httpEndpoint: false }));
    gw.config.extendPipeline('logs', { receivers: ['otlp/x'] });
    gw.config.addProcessor(Processors.batch({ name: 'b2' }));
    gw.config.extendPipeline('logs', { processors: ['batch/b2'] });
    expect(() => synthValid(c)).not.toThrow();
    expect(
      findInlineCredentials({
        bearer_token_file: '/var/run/token',
        auth_type: 'serviceAccount',
        token: '${env:T}',
      }),
    ).toEqual([]);
  });

  test('reference detection agrees with the policies rule', () => {
    const cases = [
      '${env:TOKEN}',
      'Bearer ${env:TOKEN}',
      'Basic ${env:B64}',
      '${file:/run/secrets/key}',
      '${TOKEN}',
      'Bearer s3cr3t',
      'token-${env:X}',
      's3cr3t',
      '',
      'Bearer',
    ];
    for (const v of cases) expect([v, isConfigReference(v)]).toEqual([v, isReference(v)]);
  });

  test('the key lists are the same as the policies rule (kept consistent by hand: the packages do not import each other)', () => {
    const text = readFileSync(
      join(__dirname, '../../../policies/src/rules/collector-no-inline-credentials.ts'),
      'utf8',
    ).replace(/\n\s+/g, ' ');
    const literal = (name: string) => {
      const m = new RegExp(`const ${name} = /(.+?)/([a-z]*);`).exec(text);
      if (!m) throw new Error(`${name} not found in the policies rule`);
      return { source: m[1], flags: m[2] };
    };
    for (const [name, re] of [
      ['SECRET_KEY', SECRET_KEY],
      ['NOT_SECRET_KEY', NOT_SECRET_KEY],
      ['SECRET_HEADER', SECRET_HEADER],
    ] as const) {
      expect([name, literal(name)]).toEqual([name, { source: re.source, flags: re.flags }]);
    }
  });
});

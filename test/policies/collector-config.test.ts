import { stringify } from 'yaml';
import {
  collectorConfigsOf,
  evaluate,
  isReference,
  parseManifestText,
  unpinnedReason,
} from '@otel-tiers/policies';

const configMap = (config: unknown, key = 'collector.yaml') =>
  parseManifestText(
    stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'm' },
      data: { [key]: stringify(config) },
    }),
    'cm.yaml',
  );

const base = {
  receivers: { otlp: { protocols: { grpc: {} } } },
  processors: { memory_limiter: { check_interval: '1s', limit_percentage: 80 } },
  service: {
    pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter'], exporters: ['otlp'] } },
  },
};

describe('credential detection in collector configs', () => {
  it('accepts env and file references, with or without a scheme word', () => {
    for (const v of [
      '${env:TOKEN}',
      '${TOKEN}',
      '${file:/var/run/secrets/token}',
      'Bearer ${env:TOKEN}',
      'Basic ${env:B64}',
      '',
    ]) {
      expect(isReference(v)).toBe(true);
    }
    for (const v of ['abc123', 'Bearer abc123', 'prefix-${env:TOKEN}', '${env:A}:${env:B}x']) {
      expect(isReference(v)).toBe(false);
    }
  });

  it('does not flag file paths, URLs, authenticator names or non-secret headers', () => {
    const config = {
      ...base,
      extensions: {
        oauth2client: {
          client_id: 'otel',
          client_secret: '${env:CLIENT_SECRET}',
          token_url: 'https://idp.example.com/token',
        },
        bearertokenauth: { token: '${env:TOKEN}' },
        'bearertokenauth/file': { filename: '/var/run/secrets/token' },
      },
      exporters: {
        otlp: {
          endpoint: 'gateway:4317',
          auth: { authenticator: 'oauth2client' },
          tls: { ca_file: '/etc/ca.pem', cert_file: '/etc/tls.crt', key_file: '/etc/tls.key' },
          headers: { 'X-Scope-OrgID': 'tenant-a', 'api-key': '${env:API_KEY}' },
        },
      },
      receivers: {
        ...base.receivers,
        k8s_cluster: { auth_type: 'serviceAccount' },
        kafka: { auth: { sasl: { username: 'u', password: '${env:KAFKA_PASSWORD}' } } },
      },
    };
    expect(evaluate(configMap(config)).entries).toEqual([]);
  });

  it('flags secrets written inline, wherever they are, without echoing them', () => {
    const config = {
      ...base,
      exporters: { otlp: { endpoint: 'x:4317', headers: { 'x-api-key': 'k-123' } } },
      extensions: { oauth2client: { client_id: 'otel', client_secret: 'cs-456' } },
      receivers: { ...base.receivers, kafka: { auth: { sasl: { username: 'u', password: 'pw-789' } } } },
    };
    const entries = evaluate(configMap(config)).entries;
    expect(entries.map((e) => e.location).sort()).toEqual([
      'data["collector.yaml"]: exporters.otlp.headers.x-api-key',
      'data["collector.yaml"]: extensions.oauth2client.client_secret',
      'data["collector.yaml"]: receivers.kafka.auth.sasl.password',
    ]);
    const text = JSON.stringify(entries);
    for (const secret of ['k-123', 'cs-456', 'pw-789']) expect(text).not.toContain(secret);
  });

  it('finds configs in ConfigMap keys ending in .yaml and in OpenTelemetryCollector spec.config (object or string)', () => {
    expect(collectorConfigsOf(configMap(base)[0])).toHaveLength(1);
    expect(collectorConfigsOf(configMap(base, 'collector.conf')[0])).toHaveLength(0);
    expect(collectorConfigsOf(configMap({ cursors: { dir: '/var/lib/podtail' } })[0])).toHaveLength(0);
    const alpha = parseManifestText(
      stringify({
        apiVersion: 'opentelemetry.io/v1alpha1',
        kind: 'OpenTelemetryCollector',
        metadata: { name: 'o' },
        spec: {
          config: stringify({
            ...base,
            service: { pipelines: { logs: { receivers: ['otlp'], exporters: ['otlp'] } } },
          }),
        },
      }),
      'otc.yaml',
    );
    const [found] = collectorConfigsOf(alpha[0]);
    expect(found.path).toBe('spec.config');
    expect(evaluate(alpha).entries.map((e) => e.ruleId)).toContain('collector-memory-limiter-first');
  });
});

describe('image pinning', () => {
  it.each([
    ['nginx', 'has no tag (it means latest)'],
    ['nginx:latest', "uses tag 'latest'"],
    ['registry.example.com:5000/team/app', 'has no tag (it means latest)'],
    ['registry.example.com:5000/team/app:1.2', undefined],
    ['otel/opentelemetry-collector-contrib:0.158.0', undefined],
    [`app@sha256:${'a'.repeat(64)}`, undefined],
    [`app:latest@sha256:${'b'.repeat(64)}`, undefined],
  ])('%s', (image, reason) => {
    expect(unpinnedReason(image)).toBe(reason);
  });
});

import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ServiceModel } from '../model';

/**
 * The tier's Services under their model names, selecting the operator's collector pods, so
 * that endpoints other tiers use (e.g. the gateway's OTLP Service) do not change with the
 * rendering. The operator's own Services (`<name>-collector`, `-headless`, `-monitoring`) exist
 * beside them.
 */
export class OperatorServices extends Construct {
  constructor(
    scope: Construct,
    id: string,
    services: readonly ServiceModel[],
    namespace: string,
    labels: Record<string, string>,
    selector: Record<string, string>,
  ) {
    super(scope, id);
    for (const s of services) {
      new ApiObject(this, s.name, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: s.name, namespace, labels },
        spec: {
          ...(s.headless ? { clusterIP: 'None' } : {}),
          ...(s.internalTrafficPolicy ? { internalTrafficPolicy: s.internalTrafficPolicy } : {}),
          selector,
          ports: s.ports.map((p) => ({
            name: p.name,
            port: p.port,
            targetPort: p.targetPort,
            protocol: p.protocol ?? 'TCP',
          })),
        },
      });
    }
  }
}

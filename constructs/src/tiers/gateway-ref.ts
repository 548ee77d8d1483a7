/** Something agents export to: a GatewayTier or a plain OTLP/gRPC endpoint. */
export interface IGatewayEndpoint {
  /** host:port of the gateway's OTLP/gRPC Service. */
  readonly otlpGrpcEndpoint: string;
}

/** A gateway given by address (e.g. one in another cluster or chart). */
export class GatewayEndpoint implements IGatewayEndpoint {
  /** `host:port`, e.g. `otel-gateway.monitoring.svc.cluster.local:4317`. */
  static fromAddress(otlpGrpcEndpoint: string): IGatewayEndpoint {
    if (!/^[^\s/:]+:\d{1,5}$/.test(otlpGrpcEndpoint)) {
      throw new Error(
        `gateway address '${otlpGrpcEndpoint}' is not host:port; use e.g. otel-gateway.monitoring.svc.cluster.local:4317`,
      );
    }
    return new GatewayEndpoint(otlpGrpcEndpoint);
  }
  private constructor(readonly otlpGrpcEndpoint: string) {}
}

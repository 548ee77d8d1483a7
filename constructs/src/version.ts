/** The version of this construct library. */
export const OTEL_TIERS_VERSION = '0.1.0';

import { OTEL_TIERS_VERSION } from '../../constructs/src';
import * as k8s from '@kubernetes/client-node';
test('version', () => {
  expect(OTEL_TIERS_VERSION).toBe('0.1.0');
  expect(typeof k8s.KubeConfig).toBe('function');
});

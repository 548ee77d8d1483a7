import { Testing, type Chart } from 'cdk8s';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DaemonSet, Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { ValidateFunction } from 'ajv';
import { crdValidator, describeErrors } from './operator/crd-validator';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
};

type Validatable = { validate(): void };
const MODELS: Record<string, new (o: never) => Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

/** Custom resources: the CRD file in ../shared/crds and the version. */
const CRDS: Record<string, [file: string, version: string]> = {
  'monitoring.coreos.com/v1/PrometheusRule': ['monitoring.coreos.com_prometheusrules.yaml', 'v1'],
  'monitoring.coreos.com/v1/PodMonitor': ['monitoring.coreos.com_podmonitors.yaml', 'v1'],
  'monitoring.coreos.com/v1/ServiceMonitor': ['monitoring.coreos.com_servicemonitors.yaml', 'v1'],
  'opentelemetry.io/v1beta1/OpenTelemetryCollector': [
    'opentelemetry.io_opentelemetrycollectors.yaml',
    'v1beta1',
  ],
  'opentelemetry.io/v1alpha1/TargetAllocator': ['opentelemetry.io_targetallocators.yaml', 'v1alpha1'],
};
const crdValidators = new Map<string, ValidateFunction>();

/**
 * Validates one manifest against the Kubernetes schema (kubernetes-models) or, for a custom
 * resource, its CRD's openAPIV3Schema; throws naming the object and JSON path.
 */
export function validateManifest(m: Manifest): void {
  const key = `${m.apiVersion}/${m.kind}`;
  const crd = CRDS[key];
  if (crd) {
    let validate = crdValidators.get(key);
    if (!validate) crdValidators.set(key, (validate = crdValidator(...crd)));
    const valid: boolean = validate(m as unknown);
    if (!valid) throw new Error(`${m.kind}/${m.metadata.name}: ${describeErrors(validate.errors)}`);
    return;
  }
  const Model = MODELS[key];
  if (!Model) throw new Error(`no schema for ${m.apiVersion} ${m.kind}`);
  try {
    new Model(m as never).validate();
  } catch (e) {
    throw new Error(`${m.kind}/${m.metadata.name}: ${(e as Error).message}`);
  }
}

/** Synthesizes a chart and validates every object against the Kubernetes schema. */
export function synthValid(chart: Chart): Manifest[] {
  const objs = Testing.synth(chart) as Manifest[];
  for (const o of objs) validateManifest(o);
  return objs;
}

export function find(objs: Manifest[], kind: string, name: string): Manifest {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

export const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

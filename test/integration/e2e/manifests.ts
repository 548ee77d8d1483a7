import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateManifest, type Manifest } from '../../constructs/kube-validate';
import { crdValidator, describeErrors } from '../../constructs/operator/crd-validator';

export type { Manifest };

/** Every object of every `*.yaml` file cdk8s wrote to `outdir`. */
export function readSynthOutput(outdir: string): Manifest[] {
  return readdirSync(outdir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(outdir, f), 'utf8'))
        .map((d) => d.toJSON() as Manifest | null)
        .filter((o): o is Manifest => o !== null),
    );
}

const CRDS: Record<string, { file: string; version: string }> = {
  'monitoring.coreos.com/v1/PrometheusRule': {
    file: 'monitoring.coreos.com_prometheusrules.yaml',
    version: 'v1',
  },
  'monitoring.coreos.com/v1/PodMonitor': { file: 'monitoring.coreos.com_podmonitors.yaml', version: 'v1' },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    file: 'monitoring.coreos.com_servicemonitors.yaml',
    version: 'v1',
  },
  'opentelemetry.io/v1beta1/OpenTelemetryCollector': {
    file: 'opentelemetry.io_opentelemetrycollectors.yaml',
    version: 'v1beta1',
  },
};
const crdValidators = new Map<string, ReturnType<typeof crdValidator>>();

/**
 * Validates one object: built-in kinds against the Kubernetes schema (kubernetes-models 4.5.1),
 * custom resources against their CRD's openAPIV3Schema (fields the API server would prune are
 * errors). Throws naming the object and the path.
 */
export function validateObject(m: Manifest): void {
  const key = `${m.apiVersion}/${m.kind}`;
  const crd = CRDS[key];
  if (!crd) return validateManifest(m);
  let validate = crdValidators.get(key);
  if (!validate) {
    validate = crdValidator(crd.file, crd.version);
    crdValidators.set(key, validate);
  }
  const what = `${m.kind}/${m.metadata.name}`;
  if (!validate(m as unknown)) throw new Error(`${what}: ${describeErrors(validate.errors)}`);
}

/** The object of that kind and name; throws listing what there is. */
export function findObject(objs: readonly Manifest[], kind: string, name: string): Manifest {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

/** The podtail config.yaml of the agent's `<agent>-podtail` ConfigMap, as text. */
export function podtailConfigText(objs: readonly Manifest[], agentName = 'otel-agent'): string {
  const cm = findObject(objs, 'ConfigMap', `${agentName}-podtail`) as Manifest & {
    data?: Record<string, string>;
  };
  const text = cm.data?.['config.yaml'];
  if (!text) throw new Error(`ConfigMap ${agentName}-podtail has no config.yaml`);
  return text;
}

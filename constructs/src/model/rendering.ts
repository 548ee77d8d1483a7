import type { Construct } from 'constructs';
import type { CollectorWorkloadModel } from './workload';

/**
 * Turns a tier's workload model into Kubernetes objects under `scope`. Called once per tier,
 * after the model is complete and validated. Implementations: the plain renderer
 * (`Rendering.plainWorkloads()`), the OpenTelemetry Operator renderer (`Rendering.operator()`).
 */
export interface IWorkloadRenderer {
  /** A short name for messages (`plain`, `operator`). */
  readonly name: string;
  /** Creates the objects for `model` as children of `scope`. */
  render(scope: Construct, model: CollectorWorkloadModel): void;
}

/**
 * How a tier is rendered. Pick with a static factory:
 *
 * - `Rendering.plainWorkloads()`: DaemonSet / Deployment / StatefulSet, ConfigMap, Services,
 *   ServiceAccount + RBAC, HPA, PDB, Target Allocator Deployment (the default).
 * - `Rendering.operator()`: OpenTelemetry Operator resources (registered by the operator module).
 * - `Rendering.custom(renderer)`: any `IWorkloadRenderer`, e.g. the operator renderer with options.
 *
 * The operator renderer registers itself with `Rendering.register('operator', ...)` so that
 * `Rendering.named('operator')` works without this module importing it.
 */
export class Rendering {
  private static readonly registry = new Map<string, () => IWorkloadRenderer>();
  private static plainFactory?: () => IWorkloadRenderer;

  /** Plain Kubernetes workloads (the default). */
  static plainWorkloads(): Rendering {
    if (!Rendering.plainFactory)
      throw new Error('the plain renderer is not loaded; import it from the package index');
    return new Rendering(Rendering.plainFactory());
  }

  /**
   * OpenTelemetry Operator `OpenTelemetryCollector` resources (v1beta1) from the same model;
   * registered by `operator/`. For options use `operatorRendering({...})`.
   */
  static operator(): Rendering {
    return Rendering.named('operator');
  }

  /** Any renderer. */
  static custom(renderer: IWorkloadRenderer): Rendering {
    return new Rendering(renderer);
  }

  /** A renderer registered under `name` (see `register`). */
  static named(name: string): Rendering {
    const f = Rendering.registry.get(name);
    if (!f) {
      throw new Error(
        `no renderer named '${name}' is registered (registered: ${[...Rendering.registry.keys()].join(', ') || 'none'}); import the module that registers it`,
      );
    }
    return new Rendering(f());
  }

  /** Registers a renderer factory under a name. */
  static register(name: string, factory: () => IWorkloadRenderer): void {
    Rendering.registry.set(name, factory);
  }

  /** @internal used by the plain renderer module to register itself as the default. */
  static setPlainFactory(factory: () => IWorkloadRenderer): void {
    Rendering.plainFactory = factory;
    Rendering.registry.set('plain', factory);
  }

  private constructor(readonly renderer: IWorkloadRenderer) {}
}

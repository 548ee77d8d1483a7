import { asObject, at } from '../manifest/resource';
import { componentType, pipelineList } from '../manifest/collector-config';
import { finder, type Finding, type Rule } from '../rule';

const find = finder('collector-memory-limiter-first');

export const collectorMemoryLimiterFirst: Rule = {
  id: 'collector-memory-limiter-first',
  severity: 'error',
  description: 'Every collector pipeline starts with the memory_limiter processor.',
  recommendation:
    "Define `processors.memory_limiter` (check_interval, limit_percentage/spike_limit_percentage below the container's memory limit) and put it first in every pipeline's processors.",
  check(ctx) {
    const out: Finding[] = [];
    for (const cfg of ctx.collectorConfigs) {
      for (const [name, pipeline] of Object.entries(asObject(at(cfg.config, 'service', 'pipelines')))) {
        const processors = pipelineList(pipeline, 'processors');
        if (processors.length === 0 || componentType(processors[0]) !== 'memory_limiter') {
          out.push(
            find(
              cfg.resource,
              `${cfg.path}: service.pipelines.${name}.processors`,
              `pipeline '${name}' starts with ${processors[0] ?? 'no processor'}, not memory_limiter`,
            ),
          );
        }
      }
    }
    return out;
  },
};

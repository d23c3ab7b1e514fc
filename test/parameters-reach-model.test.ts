/**
 * Every `run` flag and every sweep axis reaches the model: the flag (and the same value
 * as a sweep axis) gives exactly the configuration written out by hand below, not
 * through the parameter table, and the simulated result changes from the run without
 * it. This catches a flag or axis wired to the wrong field (an L2PAGE size written into
 * L3PAGE) or ignored (a seed never passed to the model).
 */
import { describe, expect, it } from 'vitest';
import { baseConfig, type CacheGeometry, type ModelConfig } from '../orchestrator/config.js';
import { runTraceBytes } from '../orchestrator/model.js';
import { MODEL_PARAMETERS, modelFlags } from '../orchestrator/parameters.js';
import { SWEEP_AXES } from '../orchestrator/sweep/axes.js';
import { expandGrid } from '../orchestrator/sweep/spec.js';
import { synthesizeTraceBuffers } from '../tracegen/synth.js';
import { pluginFileValue } from '../orchestrator/plugins/resolve.js';
import { runFlagsConfig, sweepFlagsSpec } from './flag-helpers.js';
import { PROJECT_ROOT } from './helpers.js';

const TRACE = 'reach_tnt_64_rand3_iotlb_trace.bin';
const { trace } = synthesizeTraceBuffers({ tenants: 64, packets: 40, order: 'rand', seed: 3, outDir: '' });

interface Case {
  /** Flags every run of the case has (so that the flag under test matters). */
  context?: string[];
  flags: string[];
  /** The configuration the context and flags must give, written out by hand. */
  expected(c: ModelConfig): void;
  /** A run-only or sweep-only flag. */
  only?: 'run' | 'sweep';
}

const lfu = ['--iotlb-policy', 'lfu'];
// The plugin parameters take a file (docs/extending.md); the built-ins are their only other values.
const XOR_INDEX = `${PROJECT_ROOT}/examples/xor-index.ts`;
const NEXT_PAGE = `${PROJECT_ROOT}/examples/next-page.ts`;
const prefetch16 = ['--prefetch-buffer', '16'];
const CASES: Record<string, Case> = {
  iotlbSize: { flags: ['--iotlb-size', '128'], expected: (c) => (c.iotlb.size = 128) },
  iotlbWays: { flags: ['--iotlb-ways', '16'], expected: (c) => (c.iotlb.assoc = 16) },
  iotlbGroups: { flags: ['--iotlb-groups', '4'], expected: (c) => (c.iotlb.groups = 4) },
  iotlbPolicy: { flags: lfu, expected: (c) => (c.iotlbPolicy = 'lfu') },
  setIndex: { flags: ['--set-index', XOR_INDEX], expected: (c) => (c.setIndex = pluginFileValue(XOR_INDEX, 'test')) },
  ccSize: { flags: ['--cc-size', '16'], expected: (c) => (c.cc = { size: 16, assoc: 16, groups: 1 }) },
  ccWays: { flags: ['--cc-ways', '768'], expected: (c) => (c.cc.assoc = 768) },
  ccGroups: { context: ['--cc-size', '64', '--cc-ways', '4'], flags: ['--cc-groups', '4'], expected: (c) => (c.cc = { size: 64, assoc: 4, groups: 4 }) },
  l2pageSize: { flags: ['--l2page-size', '16'], expected: (c) => (c.l2page = { size: 16, assoc: 16, groups: 1 }) },
  l2pageWays: { context: ['--l2page-size', '32'], flags: ['--l2page-ways', '2'], expected: (c) => (c.l2page = { size: 32, assoc: 2, groups: 1 }) },
  l2pageGroups: { context: ['--l2page-size', '32', '--l2page-ways', '2'], flags: ['--l2page-groups', '8'], expected: (c) => (c.l2page = { size: 32, assoc: 2, groups: 8 }) },
  l3pageSize: { flags: ['--l3page-size', '0'], expected: (c) => (c.l3page = { size: 0, assoc: 0, groups: 1 }) },
  l3pageWays: { context: ['--l3page-size', '4'], flags: ['--l3page-ways', '1'], expected: (c) => (c.l3page = { size: 4, assoc: 1, groups: 1 }) },
  l3pageGroups: { context: ['--l3page-size', '4', '--l3page-ways', '1'], flags: ['--l3page-groups', '4'], expected: (c) => (c.l3page = { size: 4, assoc: 1, groups: 4 }) },
  walkGroups: {
    context: ['--l2page-size', '32', '--l2page-ways', '2', '--l3page-size', '4', '--l3page-ways', '1'],
    flags: ['--walk-groups', '4'],
    expected: (c) => {
      c.l2page = { size: 32, assoc: 2, groups: 4 };
      c.l3page = { size: 4, assoc: 1, groups: 4 };
    },
    only: 'sweep',
  },
  salloc: { context: ['--iotlb-groups', '4'], flags: ['--salloc'], expected: (c) => {
      c.iotlb.groups = 4;
      c.selectiveAlloc = true;
    },
  },
  prefetchBuffer: { flags: prefetch16, expected: (c) => (c.prefetch.bufferSize = 16) },
  prefetchHistory: { context: prefetch16, flags: ['--prefetch-history', '8'], expected: (c) => {
      c.prefetch.bufferSize = 16;
      c.prefetch.historyLength = 8;
    },
  },
  prefetchDistance: { context: prefetch16, flags: ['--prefetch-distance', '2'], expected: (c) => {
      c.prefetch.bufferSize = 16;
      c.prefetch.distance = 2;
    },
  },
  prefetchScheme: { context: prefetch16, flags: ['--prefetcher', NEXT_PAGE], expected: (c) => {
      c.prefetch.bufferSize = 16;
      c.prefetchScheme = pluginFileValue(NEXT_PAGE, 'test');
    },
  },
  tq: { flags: ['--tq', '8'], expected: (c) => (c.tq = 8) },
  queue: { context: ['--tq', '8'], flags: ['--queue', 'in-order'], expected: (c) => {
      c.tq = 8;
      c.outOfOrder = false;
    },
  },
  linkGbps: { flags: ['--link-gbps', '400'], expected: (c) => (c.linkGbps = 400) },
  seed: { context: lfu, flags: ['--seed', '7'], expected: (c) => {
      c.iotlbPolicy = 'lfu';
      c.seed = 7;
    },
  },
  idealIotlb: { flags: ['--ideal-iotlb'], expected: (c) => (c.idealIotlb = true) },
  idealCc: { flags: ['--ideal-cc'], expected: (c) => (c.idealCc = true) },
  idealWalkCaches: { flags: ['--ideal-walk-caches'], expected: (c) => (c.idealWalkCaches = true) },
};

const runConfig = runFlagsConfig;

/** The one configuration of a sweep given `args` (context values become one-value axes). */
function sweepConfig(args: string[]): { config: ModelConfig; parameters: Record<string, unknown> } {
  const jobs = expandGrid(sweepFlagsSpec(args, TRACE), [TRACE]);
  expect(jobs).toHaveLength(1);
  return { config: jobs[0]!.config, parameters: jobs[0]!.parameters };
}

const byHand = (c: Case) => {
  const config = baseConfig();
  c.expected(config);
  return config;
};
const simulate = (config: ModelConfig) => runTraceBytes(TRACE, trace, config);

describe('every run flag and sweep axis reaches the model', () => {
  it('has a case for every parameter and every axis', () => {
    const keys = [...MODEL_PARAMETERS.map((p) => p.key), ...SWEEP_AXES.map((a) => a.key).filter((k) => k !== 'configFile')];
    expect(Object.keys(CASES).sort()).toEqual([...new Set(keys)].sort());
  });

  for (const [key, c] of Object.entries(CASES)) {
    it(key, async () => {
      const context = c.context ?? [];
      const expected = byHand(c);
      if (c.only !== 'sweep') expect(runConfig([...context, ...c.flags])).toEqual(expected);
      if (c.only !== 'run') {
        const swept = sweepConfig([...context, ...c.flags]);
        expect(swept.config).toEqual(expected);
        expect(swept.parameters[key]).not.toBeNull();
      }
      const without = c.only === 'sweep' ? sweepConfig(context).config : runConfig(context);
      const result = await simulate(expected);
      expect(result).not.toEqual(await simulate(without));
      // Each cache has the sets its own geometry gives (not another cache's).
      const sets = (g: CacheGeometry) => (g.assoc === 0 ? 0 : g.size / g.assoc);
      const geometries = { CC: expected.cc, IOTLB: expected.iotlb, L2PAGE: expected.l2page, L3PAGE: expected.l3page };
      for (const [name, geometry] of Object.entries(geometries)) expect(result.caches[name as keyof typeof geometries].setAccesses, name).toHaveLength(sets(geometry));
    });
  }

  it('--seed: the same LFU result twice, another with another seed', async () => {
    const first = await simulate(runConfig([...lfu, '--seed', '7']));
    expect(await simulate(runConfig([...lfu, '--seed', '7']))).toEqual(first);
    expect(await simulate(runConfig([...lfu, '--seed', '8']))).not.toEqual(first);
  });

  it("modelFlags (the web page's command line) gives the same configuration back through run's flags", () => {
    for (const c of Object.values(CASES)) {
      const config = byHand(c);
      expect(runConfig(modelFlags(config, baseConfig()).flatMap((flag) => flag.split(' ')))).toEqual(config);
    }
  });
});

/**
 * The JS↔WASM contract is by name: the module exports its cache, policy, statistic ids
 * and status codes as globals, model-core reads them by name, a name the module lacks is
 * an error, and an id outside the module's own aborts instead of reading another number.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTION_COMPONENTS, hasAttribution } from '../orchestrator/attribution.js';
import { IOTLB_POLICIES } from '../orchestrator/config.js';
import { CACHE_NAMES, contractValue } from '../orchestrator/model-core.js';
import { ATTRIBUTION_WASM_PATH, WASM_PATH } from '../orchestrator/model.js';

interface Surface {
  setCacheGeometry(cache: number, size: number, assoc: number, groups: number): void;
  setModelOptions(tq: number, outOfOrder: number, selectiveAlloc: number, policy: number, interArrivalNs: bigint): void;
  cacheStat(cache: number, stat: number): number;
  prefetchStat(stat: number): number;
  start(): void;
}

const instantiate = async (path: string) =>
  (
    await WebAssembly.instantiate(readFileSync(path), {
      env: {
        abort: () => {
          throw new Error('aborted');
        },
      },
    })
  ).instance.exports;

let exports: WebAssembly.Exports;
beforeAll(async () => {
  exports = await instantiate(WASM_PATH);
});

describe('the WebAssembly contract', () => {
  it('has a distinct id for every cache and every IOTLB policy the configuration accepts', () => {
    const caches = [...CACHE_NAMES.map((n) => contractValue(exports, `CACHE_${n}`)), contractValue(exports, 'CACHE_PREFETCH_BUFFER')];
    expect(new Set(caches).size).toBe(caches.length);
    // Every policy the module has is one the parameter table offers, and the other way round
    // (POLICY_PLUGIN: a plugin file, offered as a path).
    const policies = [...IOTLB_POLICIES.map((p) => contractValue(exports, `POLICY_${p.toUpperCase()}`)), contractValue(exports, 'POLICY_PLUGIN')];
    expect(policies.sort()).toEqual(Array.from({ length: contractValue(exports, 'POLICY_COUNT') }, (_, i) => i));
  });

  it('names its status codes', () => {
    const codes = ['STATUS_NEED_INPUT', 'STATUS_DONE', 'STATUS_BAD_RECORD_TYPE', 'STATUS_BAD_PAGE_LEVEL'] as const;
    expect(new Set(codes.map((c) => contractValue(exports, c))).size).toBe(codes.length);
  });

  it('rejects a name the module does not export', () => {
    expect(() => contractValue(exports, 'CACHE_L4PAGE')).toThrow(/exports no CACHE_L4PAGE/);
    expect(() => contractValue(exports, 'POLICY_FIFO')).toThrow(/exports no POLICY_FIFO/);
  });

  it('aborts on an id outside its own instead of returning another number', () => {
    const m = exports as unknown as Surface;
    const iotlb = contractValue(exports, 'CACHE_IOTLB');
    expect(() => m.setCacheGeometry(99, 64, 8, 1)).toThrow('aborted');
    expect(() => m.setModelOptions(1, 1, 0, 99, 61n)).toThrow('aborted');
    // The default build links no plugin (a plugin variant does: orchestrator/plugins/compile.ts).
    expect(() => m.setModelOptions(1, 1, 0, contractValue(exports, 'POLICY_PLUGIN'), 61n)).toThrow('aborted');
    m.setModelOptions(1, 1, 0, contractValue(exports, 'POLICY_LRU'), 61n);
    m.start();
    expect(m.cacheStat(iotlb, contractValue(exports, 'CACHE_STAT_HITS'))).toBe(0);
    expect(() => m.cacheStat(99, contractValue(exports, 'CACHE_STAT_HITS'))).toThrow('aborted');
    expect(() => m.cacheStat(iotlb, 99)).toThrow('aborted');
    expect(() => m.prefetchStat(99)).toThrow('aborted');
  });

  it('keeps attribution out of the release build; the attribution build names each component once', async () => {
    expect(hasAttribution(exports)).toBe(false);
    const attribution = await instantiate(ATTRIBUTION_WASM_PATH);
    expect(hasAttribution(attribution)).toBe(true);
    const names = (c: string) => `ATTRIBUTION_${c.replace(/([a-z])([A-Z0-9])/g, '$1_$2').toUpperCase()}` as const;
    const ids = ATTRIBUTION_COMPONENTS.map((c) => contractValue(attribution, names(c) as `ATTRIBUTION_${string}`));
    expect(ids).toEqual(Array.from({ length: contractValue(attribution, 'ATTRIBUTION_COMPONENTS') }, (_, i) => i));
    const m = attribution as unknown as { start(): void; attributionComponentSum(c: number): number; attributionTenantStat(did: number, stat: number): number };
    m.start();
    expect(m.attributionComponentSum(0)).toBe(0);
    expect(() => m.attributionComponentSum(ids.length)).toThrow('aborted');
    expect(() => m.attributionTenantStat(0, 0)).toThrow('aborted'); // no tenant completed anything
  });
});

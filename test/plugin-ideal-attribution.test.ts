/**
 * A plugin configuration works with the ideal modes and latency attribution unchanged:
 * examples/lru.ts with `--ideal-walk-caches` equals the built-in lru with it, and
 * `run --attribution` of the plugin (the attribution build's plugin variant) attributes
 * exactly as the built-in's.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from './helpers.js';
import { TRACE_8 } from './sweep-helpers.js';

const LRU = resolve(PROJECT_ROOT, 'examples/lru.ts');
/** `run --json`'s output without the configuration (which names the policy). */
const runJson = (...flags: string[]) => {
  const r = runCli(['run', '--json', '--trace', TRACE_8, '--tq', '4', ...flags]);
  expect(r.status, r.stderr).toBe(0);
  const { config: _config, ...rest } = JSON.parse(r.stdout) as Record<string, unknown>;
  return rest;
};

describe('plugins with ideal modes and attribution', () => {
  it('an ideal mode: the plugin equals the built-in', () => {
    expect(runJson('--iotlb-policy', LRU, '--ideal-walk-caches')).toEqual(runJson('--iotlb-policy', 'lru', '--ideal-walk-caches'));
  }, 120_000);

  it('attribution: the plugin variant of the attribution build equals the built-in', () => {
    const plugin = runJson('--iotlb-policy', LRU, '--attribution');
    expect(plugin['attribution']).toBeDefined();
    expect(plugin).toEqual(runJson('--iotlb-policy', 'lru', '--attribution'));
  }, 120_000);
});

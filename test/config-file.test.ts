/**
 * The `.cfg` reader (docs/cfg-format.md): a section or key given twice, or a file with no
 * section, is a one-line error naming file:line (exit 2); the sample files in configs/
 * are valid, and configs/base.cfg is exactly the base architecture.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyCacheConfigText, baseConfig, formatCacheConfig, validateConfig } from '../orchestrator/config.js';
import { expectOneLineInputError, PROJECT_ROOT } from './helpers.js';
import { hypersio, tempDir, TRACE_3 } from './sweep-helpers.js';

const read = (text: string) => applyCacheConfigText(baseConfig(), text, 'a.cfg');

describe('.cfg files', () => {
  const dir = tempDir('cfg');
  afterAll(() => dir.cleanup());

  it('rejects a section given twice, naming both lines', () => {
    expect(() => read('IOTLB\nsize:64\n\nIOTLB\nsize:128\n')).toThrow(/^a\.cfg:4: section IOTLB again \(first at line 1\)$/);
  });

  it('rejects a key given twice in a section', () => {
    expect(() => read('CC\nsize:16\nassoc:16\n// again\nsize:32\n')).toThrow(/^a\.cfg:5: key 'size' of section CC again \(first at line 2\)$/);
  });

  it('accepts the same key in different sections', () => {
    expect(read('IOTLB\nsize:128\nL2PAGE\nsize:256\n')).toMatchObject({ iotlb: { size: 128 }, l2page: { size: 256 } });
  });

  it('rejects an empty file and one with only comments', () => {
    expect(() => read('')).toThrow(/^a\.cfg: empty config file/);
    expect(() => read('// nothing\n\n   \n')).toThrow(/^a\.cfg: empty config file/);
  });

  it('the command line: exit 2, one line naming file:line', async () => {
    const file = join(dir.path, 'dup.cfg');
    writeFileSync(file, 'PREFETCH\nsize:16\nhistlen:4\nhistlen:8\n');
    const r = await hypersio(['run', '--trace', TRACE_3, '--config', file]);
    expectOneLineInputError({ status: r.exitCode ?? null, stderr: r.stderr }, /dup\.cfg:4: key 'histlen' of section PREFETCH again/);
    writeFileSync(file, '');
    const empty = await hypersio(['run', '--trace', TRACE_3, '--config', file]);
    expectOneLineInputError({ status: empty.exitCode ?? null, stderr: empty.stderr }, /dup\.cfg: empty config file/);
  });

  it('ships valid samples, base.cfg being the base architecture', () => {
    const folder = join(PROJECT_ROOT, 'configs');
    const samples = readdirSync(folder).filter((f) => f.endsWith('.cfg'));
    expect(samples.length).toBeGreaterThanOrEqual(4);
    for (const sample of samples) {
      const config = applyCacheConfigText(baseConfig(), readFileSync(join(folder, sample), 'utf8'), sample);
      expect(() => validateConfig(config, sample)).not.toThrow();
    }
    const base = applyCacheConfigText(baseConfig(), readFileSync(join(folder, 'base.cfg'), 'utf8'), 'base.cfg');
    expect(base).toEqual(baseConfig());
    expect(applyCacheConfigText(baseConfig(), formatCacheConfig(base), 'round-trip.cfg')).toEqual(base);
  });
});

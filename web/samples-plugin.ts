/**
 * Bundled sample traces, made at build time (and on first request by the dev server).
 *
 * With the synthetic generator compiled (dist/tracegen/synth.js, from `npm run build`),
 * one trace per tenant count, all with the same total packet count so that only the
 * number of tenants sharing the translation caches changes. Without it, the small golden
 * traces of the repository's copy (test/golden/traces/*.bin.gz) are used.
 *
 * Each sample is served gzip-compressed (synthetic traces compress ~8x); the worker
 * inflates it with the browser's DecompressionStream, so nothing is fetched from outside.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { TRACE_RECORD_BYTES, tracePaths, tracePrefix } from '../core/trace-format.js';

export interface SampleInfo {
  /** File name of the original trace (…_iotlb_trace.bin): what `hypersio run --trace` is given. */
  name: string;
  /** URL path of the gzip-compressed trace, relative to the page. */
  file: string;
  tenants: number;
  translations: number;
  /** Where it came from, shown in the picker. */
  origin: 'synthetic' | 'golden';
}

interface Sample {
  info: SampleInfo;
  gzipped: Uint8Array;
}

/** Tenant counts of the synthetic samples (the "utilization vs tenants" sweep axis). */
export const SAMPLE_TENANTS = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const;
/** Packets across all tenants in each synthetic sample (3 translations each). */
export const SAMPLE_TOTAL_PACKETS = 8192;

interface SynthModule {
  synthesizeTraceBuffers(options: {
    tenants: number;
    packets: number;
    order?: 'rr' | 'rand';
    seed?: number;
    outDir: string;
  }): { trace: Uint8Array; translations: number; consec: number };
}

async function loadSynthesizer(repoRoot: string): Promise<SynthModule | undefined> {
  const compiled = join(repoRoot, 'dist/tracegen/synth.js');
  if (!existsSync(compiled)) return undefined;
  const loaded = (await import(pathToFileURL(compiled).href)) as Partial<SynthModule>;
  return typeof loaded.synthesizeTraceBuffers === 'function' ? (loaded as SynthModule) : undefined;
}

/** `source` 'golden' bundles the golden traces even where the generator is built (also HYPERSIO_WEB_SAMPLES=golden). */
export async function makeSamples(repoRoot: string, source = process.env['HYPERSIO_WEB_SAMPLES']): Promise<Sample[]> {
  const synth = source === 'golden' ? undefined : await loadSynthesizer(repoRoot);
  if (synth) {
    return SAMPLE_TENANTS.map((tenants) => {
      const built = synth.synthesizeTraceBuffers({
        tenants,
        packets: SAMPLE_TOTAL_PACKETS / tenants,
        order: 'rand',
        seed: 1,
        outDir: '.', // not written: the buffers are built in memory
      });
      const name = tracePaths(tracePrefix('synth', tenants, 'rand', built.consec)).iotlb;
      return sample(name, tenants, built.trace, 'synthetic');
    });
  }
  const goldenDir = resolve(repoRoot, 'test/golden/traces');
  if (!existsSync(goldenDir)) {
    throw new Error(`no sample traces: build the synthetic generator (npm run build) or provide ${goldenDir}`);
  }
  return readdirSync(goldenDir)
    .filter((f) => f.endsWith('_iotlb_trace.bin.gz'))
    .map((f) => sample(f.slice(0, -'.gz'.length), Number(/_tnt_(\d+)_/.exec(f)?.[1] ?? 0), gunzipSync(readFileSync(join(goldenDir, f))), 'golden'))
    .sort((a, b) => a.info.tenants - b.info.tenants || a.info.name.localeCompare(b.info.name));
}

function sample(name: string, tenants: number, trace: Uint8Array, origin: SampleInfo['origin']): Sample {
  return {
    info: { name, file: `samples/${name}.gz`, tenants, translations: trace.byteLength / TRACE_RECORD_BYTES, origin },
    gzipped: gzipSync(trace, { level: 6 }),
  };
}

/** Emits samples/*.gz and samples/index.json in the build; serves them from the dev server. */
export function samplesPlugin(repoRoot: string): Plugin {
  let samples: Promise<Sample[]> | undefined;
  const getSamples = () => (samples ??= makeSamples(repoRoot));
  return {
    name: 'hypersio-samples',
    async generateBundle() {
      const list = await getSamples();
      for (const s of list) this.emitFile({ type: 'asset', fileName: s.info.file, source: s.gzipped });
      this.emitFile({ type: 'asset', fileName: 'samples/index.json', source: JSON.stringify(list.map((s) => s.info), null, 1) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        const at = path.indexOf('/samples/');
        if (at < 0) return next();
        const file = path.slice(at + 1);
        getSamples().then(
          (list) => {
            if (file === 'samples/index.json') {
              res.setHeader('Content-Type', 'application/json');
              res.end(JSON.stringify(list.map((s) => s.info)));
              return;
            }
            const found = list.find((s) => s.info.file === file);
            if (!found) return next();
            // Served as opaque bytes (no Content-Encoding): the worker inflates them itself.
            res.setHeader('Content-Type', 'application/octet-stream');
            res.end(found.gzipped);
          },
          (err: unknown) => next(err),
        );
      });
    },
  };
}

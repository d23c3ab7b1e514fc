/**
 * `npm run bench:compare -- A.wasm [B.wasm] [--tenants N[,N]] [--tq 1,32] [--rounds R]
 * [--iotlb SIZE/WAYS] [--policy lru[,lfu,oracle]]`: the simulation's own cost of one or two
 * model builds under one or more IOTLB policies, every variant run in turn in this process
 * each round (A, B, A, B, …) so that all see the same machine load; prints the best ns per
 * translation of each, relative to the first, and whether two builds agree on every
 * statistic. The way to tell whether a change to sim-as/ helps (keep the old build with
 * `cp dist/hypersio.wasm /tmp/old.wasm` before rebuilding).
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { baseConfig, type IotlbPolicy, type ModelConfig } from '../orchestrator/config.js';
import { benchTrace, compileModel, nsPerTranslation, readTrace, timeSimulation, type Timed } from './in-process.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenants: { type: 'string', default: '1024' },
    tq: { type: 'string', default: '1,32' },
    rounds: { type: 'string', default: '5' },
    iotlb: { type: 'string' },
    policy: { type: 'string', default: 'lru' },
  },
});
if (positionals.length < 1 || positionals.length > 2) {
  throw new Error('usage: compare-builds A.wasm [B.wasm] [--tenants N[,N]] [--tq 1,32] [--rounds R] [--iotlb SIZE/WAYS] [--policy P[,P]]');
}
const builds = positionals.map((file) => ({ file, module: compileModel(file) }));
const policies = values.policy.split(',') as IotlbPolicy[];
const rounds = Number(values.rounds);

for (const tenants of values.tenants.split(',').map(Number)) {
  const trace = await benchTrace(tenants);
  const bytes = readTrace(trace.path);
  for (const tq of values.tq.split(',').map(Number)) {
    const variants = builds.flatMap((build) =>
      policies.map((policy) => {
        const config: ModelConfig = { ...baseConfig(), tq, iotlbPolicy: policy };
        if (values.iotlb) {
          const [size, assoc] = values.iotlb.split('/').map(Number);
          config.iotlb = { size: size!, assoc: assoc ?? size!, groups: 1 };
        }
        return { label: `${build.file} ${policy}`, build, config, best: undefined as Timed | undefined };
      }),
    );
    for (let round = -1; round < rounds; round++) {
      for (const v of variants) {
        const t = await timeSimulation(v.build.module, v.config, bytes);
        if (round >= 0 && (!v.best || t.seconds < v.best.seconds)) v.best = t; // round -1: warm-up
      }
    }
    const first = variants[0]!.best!;
    const iotlb = variants[0]!.config.iotlb;
    console.log(`${trace.translations} translations, ${tenants} tenants, tq ${tq}, IOTLB ${iotlb.size}/${iotlb.assoc} (best of ${rounds}, alternated):`);
    for (const v of variants) console.log(`  ${v.label}: ${nsPerTranslation(v.best!).toFixed(1)} ns/translation, ${(v.best!.seconds / first.seconds).toFixed(3)}x the first`);
    if (builds.length === 2) {
      for (const policy of policies) {
        const [a, b] = variants.filter((v) => v.config.iotlbPolicy === policy);
        console.log(`  ${policy}: ${isDeepStrictEqual(a!.best!.result, b!.best!.result) ? 'same results' : 'RESULTS DIFFER'}`);
      }
    }
  }
}

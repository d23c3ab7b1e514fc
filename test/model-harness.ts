/** Builds small traces in memory and simulates them through the real WASM model. */
import { baseConfig, type ModelConfig } from '../orchestrator/config.js';
import { bufferSource, simulate, type RunResult, type SimulateOptions } from '../orchestrator/model-core.js';
import { loadModelModule } from '../orchestrator/model.js';
import { NO_NEXT_ACCESS, pageMask, TRACE_FIELD, TRACE_RECORD_BYTES } from '../core/trace-format.js';

export interface TestRecord {
  sid: number;
  did: number;
  iova: bigint;
  /** 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB. */
  level: number;
  /** Record type; 1 unless a test wants a corrupt record. */
  type?: number;
}

/** The records as a trace file's bytes, with next-access indexes computed as tracegen does. */
export function traceBytes(records: TestRecord[]): Uint8Array {
  const bytes = new Uint8Array(records.length * TRACE_RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  const lastSeen = new Map<string, number>();
  records.forEach((r, i) => {
    const at = i * TRACE_RECORD_BYTES;
    const mask = r.level >= 1 && r.level <= 3 ? pageMask(r.level) : pageMask(1);
    view.setInt32(at + TRACE_FIELD.type, r.type ?? 1, true);
    view.setUint16(at + TRACE_FIELD.sid, r.sid, true);
    view.setUint16(at + TRACE_FIELD.did, r.did, true);
    view.setBigUint64(at + TRACE_FIELD.iova, r.iova, true);
    view.setBigUint64(at + TRACE_FIELD.mask, mask, true);
    view.setBigUint64(at + TRACE_FIELD.level, BigInt(r.level), true);
    view.setBigUint64(at + TRACE_FIELD.slpte, 0n, true);
    view.setBigUint64(at + TRACE_FIELD.nat, NO_NEXT_ACCESS, true);
    const key = `${r.iova & mask}/${r.did}`;
    const previous = lastSeen.get(key);
    if (previous !== undefined) view.setBigUint64(previous * TRACE_RECORD_BYTES + TRACE_FIELD.nat, BigInt(i), true);
    lastSeen.set(key, i);
  });
  return bytes;
}

export function config(overrides: (c: ModelConfig) => void = () => {}): ModelConfig {
  const c = baseConfig();
  overrides(c);
  return c;
}

export function simulateBytes(bytes: Uint8Array, modelConfig: ModelConfig = baseConfig(), options: SimulateOptions = {}): Promise<RunResult> {
  return simulate(loadModelModule(), modelConfig, bufferSource(bytes), options);
}

export function simulateRecords(records: TestRecord[], modelConfig?: ModelConfig, options?: SimulateOptions): Promise<RunResult> {
  return simulateBytes(traceBytes(records), modelConfig, options);
}

/** `count` translations of one page by one tenant (sid = did * 8 + 16). */
export function accesses(did: number, iova: bigint, level: number, count: number): TestRecord[] {
  return Array.from({ length: count }, () => ({ sid: did * 8 + 16, did, iova, level }));
}

export const GiB = 1n << 30n;

/**
 * Tenant interleavings of tracegen.md "Interleaving the tenants": the final order of the
 * kept translations as indices into read order.
 */
import { InputError } from '../core/errors.js';
import { GlibcRandom } from './glibc-rand.js';

export const TENANT_ORDERS = ['rr', 'rand', 'orig'] as const;
export type TenantOrder = (typeof TENANT_ORDERS)[number];

export function parseTenantOrder(value: string, flag = '--order'): TenantOrder {
  if ((TENANT_ORDERS as readonly string[]).includes(value)) return value as TenantOrder;
  throw new InputError(`${flag} ${value}: unknown order (expected rr, rand or orig)`);
}

/**
 * Orders translations (given by their tenant, in read order) by `order` with `consec`
 * translations per tenant turn. Tenants are 0 … tenantCount-1.
 */
export function interleave(tenantOfTranslation: ArrayLike<number>, count: number, tenantCount: number, order: TenantOrder, consec: number): Int32Array {
  if (order === 'orig') {
    const all = new Int32Array(count);
    for (let i = 0; i < count; i++) all[i] = i;
    return all;
  }
  // Each tenant's translations, in read order, as one array sliced by offsets.
  const start = new Int32Array(tenantCount + 1);
  for (let i = 0; i < count; i++) start[tenantOfTranslation[i]! + 1]!++;
  for (let t = 0; t < tenantCount; t++) start[t + 1]! += start[t]!;
  const byTenant = new Int32Array(count);
  const fill = start.slice(0, tenantCount);
  for (let i = 0; i < count; i++) byTenant[fill[tenantOfTranslation[i]!]!++] = i;
  const next = start.slice(0, tenantCount);
  const end = start.subarray(1);

  const out = new Int32Array(count);
  let n = 0;
  if (order === 'rr') {
    // Whole rounds; stop after the first round in which some tenant ran out.
    for (let ranOut = tenantCount === 0; !ranOut; ) {
      for (let t = 0; t < tenantCount; t++) {
        for (let j = 0; j < consec; j++) {
          if (next[t]! < end[t]!) out[n++] = byTenant[next[t]!++]!;
          else {
            ranOut = true;
            break;
          }
        }
      }
    }
  } else {
    const random = new GlibcRandom(1);
    const active: number[] = [];
    for (let t = 0; t < tenantCount; t++) active.push(t);
    while (active.length > 0) {
      const pick = random.next() % active.length;
      const t = active[pick]!;
      for (let j = 0; j < consec; j++) {
        if (next[t]! < end[t]!) out[n++] = byTenant[next[t]!++]!;
        else {
          active.splice(pick, 1);
          break;
        }
      }
    }
  }
  return out.subarray(0, n);
}

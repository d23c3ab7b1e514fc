/**
 * glibc's `rand()` (the default TYPE_3 additive feedback generator) so that the `rand`
 * interleaving picks tenants exactly like the reference after `srand(1)`.
 *
 * r[0] = seed; r[i] = 16807·r[i-1] mod (2^31 - 1) for i = 1..30; r[i] = r[i-31] for
 * i = 31..33; r[i] = (r[i-31] + r[i-3]) mod 2^32 afterwards; call k returns r[344+k] >> 1.
 */
export class GlibcRandom {
  /** The last 34 values of r, as a ring. */
  private readonly ring = new Uint32Array(34);
  private i = 0;

  constructor(seed = 1) {
    const r = this.ring;
    // glibc maps seed 0 to 1.
    let word = seed >>> 0 || 1;
    r[0] = word;
    for (let i = 1; i < 31; i++) {
      // Schrage's method as glibc does, on signed 32-bit words.
      const hi = Math.trunc((word | 0) / 127773);
      const lo = (word | 0) % 127773;
      word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      r[i] = word;
    }
    for (let i = 31; i < 34; i++) r[i] = r[i - 31]!;
    this.i = 34;
    // Discard r[34..343].
    for (let k = 34; k < 344; k++) this.step();
  }

  private step(): number {
    const r = this.ring;
    const slot = this.i % 34;
    // r[i-31] and r[i-3] sit 3 and 31 slots ahead in a ring of 34.
    const value = (r[(this.i - 31) % 34]! + r[(this.i - 3) % 34]!) >>> 0;
    r[slot] = value;
    this.i++;
    return value;
  }

  /** The next `rand()` value, 0 … 2^31 - 1. */
  next(): number {
    return this.step() >>> 1;
  }
}

// Seeded generator for the LFU policy's random choice among tied victims (the reference
// used an unseeded C library generator). xorshift64*: small, fast, reproducible.

let state: u64 = 0x9e3779b97f4a7c15;

export function seedRandom(seed: u64): void {
  // splitmix64 of the seed, so that small seeds give well-mixed, non-zero states.
  let z = seed + 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  z = z ^ (z >> 31);
  state = z != 0 ? z : 0x9e3779b97f4a7c15;
}

/** A uniformly distributed integer in [0, bound). */
export function randomBelow(bound: i32): i32 {
  let x = state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  state = x;
  return <i32>(((x * 0x2545f4914f6cdd1d) >> 33) % <u64>bound);
}

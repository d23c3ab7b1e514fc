/** A copy of `from` with `size` elements (zero-filled past the old length). */
export function resize<T>(from: StaticArray<T>, size: i32): StaticArray<T> {
  const to = new StaticArray<T>(size);
  memory.copy(changetype<usize>(to), changetype<usize>(from), <usize>from.length * sizeof<T>());
  return to;
}

/**
 * A StaticArray of `length` zeros, without writing them (so untouched pages cost nothing:
 * the model's per-did and per-sid tables are large and mostly unused). Sound because the
 * stub runtime never reuses memory: a new block is memory that was never written.
 */
export function zeroedArray<T>(length: i32): StaticArray<T> {
  return changetype<StaticArray<T>>(__new(<usize>length << alignof<T>(), idof<StaticArray<T>>()));
}

/** `bytes` bytes of zeros aligned to `align` (a power of two), without writing them (as above). */
export function zeroedBlock(bytes: usize, align: usize): usize {
  return (heap.alloc(bytes + align) + align - 1) & ~(align - 1);
}

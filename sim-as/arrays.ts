/** A copy of `from` with `size` elements (zero-filled past the old length). */
export function resize<T>(from: StaticArray<T>, size: i32): StaticArray<T> {
  const to = new StaticArray<T>(size);
  memory.copy(changetype<usize>(to), changetype<usize>(from), <usize>from.length * sizeof<T>());
  return to;
}

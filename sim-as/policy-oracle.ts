// Oracle replacement (Belady): each entry stores its next access, set from the request's
// `nat` at insertion and on every hit; the victim is the entry whose next access is
// farthest. Ties go to the lowest way (the reference broke them in hash-table order; the
// spec asks for a fixed rule).
//
// Each set keeps a tournament tree over its ways (a complete binary tree, leaves padded to
// a power of two; every node holds the winning way of its subtree), so a hit or fill
// replays one leaf-to-root path, O(log ways), and the victim is the root.

const NONE: i32 = -1;

export class OraclePolicy {
  private readonly assoc: i32;
  private readonly leaves: i32; // power of two >= assoc
  private readonly nextAccess: StaticArray<u64>; // per way
  // Per set, 2 * leaves nodes (node 1 the root, node leaves + w the leaf of way w); each
  // holds a way of the set or NONE (an empty subtree).
  private readonly tree: StaticArray<i32>;

  constructor(sets: i32, assoc: i32) {
    this.assoc = assoc;
    let leaves = 1;
    while (leaves < assoc) leaves <<= 1;
    this.leaves = leaves;
    this.nextAccess = new StaticArray<u64>(sets * assoc);
    const nodes = sets * 2 * leaves;
    this.tree = new StaticArray<i32>(nodes);
    for (let i = 0; i < nodes; i++) unchecked((this.tree[i] = NONE));
  }

  @inline hit(set: i32, way: i32, nat: u64): void {
    this.update(set, way, nat);
  }

  @inline fill(set: i32, way: i32, nat: u64, replaced: bool): void {
    this.update(set, way, nat);
  }

  @inline victim(set: i32): i32 {
    return unchecked(this.tree[set * 2 * this.leaves + 1]);
  }

  private update(set: i32, way: i32, nat: u64): void {
    unchecked((this.nextAccess[way] = nat));
    const base = set * 2 * this.leaves;
    let node = this.leaves + (way - set * this.assoc);
    unchecked((this.tree[base + node] = way));
    while (node > 1) {
      const left = unchecked(this.tree[base + (node & ~1)]);
      const right = unchecked(this.tree[base + (node | 1)]);
      node >>= 1;
      unchecked((this.tree[base + node] = this.farther(left, right)));
    }
  }

  /** Of two ways (or NONE), the one accessed later; `left` (the lower way) on a tie. */
  @inline private farther(left: i32, right: i32): i32 {
    if (right == NONE) return left;
    if (left == NONE) return right;
    return unchecked(this.nextAccess[right]) > unchecked(this.nextAccess[left]) ? right : left;
  }
}

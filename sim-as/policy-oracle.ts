// Oracle replacement (Belady): each entry stores its next access, set from the request's
// `nat` at insertion and on every hit; the victim is the entry whose next access is
// farthest. Ties go to the lowest way (the reference broke them in hash-table order; the
// spec asks for a fixed rule).
//
// Each set keeps a tournament tree over its ways (a complete binary tree, leaves padded to
// a power of two; every node holds the winner of its subtree), so a hit or fill replays
// one leaf-to-root path, O(log ways), stopping where a node's winner does not change, and
// the victim is the root. A node is one u64 that orders as the rule does: the next access
// in the high 39 bits, then WAY_MASK minus the way's index in its set (so the lower way
// wins a tie; never 0, as ways per set are at most 2^24, the configuration's limit); 0 is
// an empty subtree. Next accesses of 2^39 and above (a trace of half a trillion records)
// compare as "never".

const WAY_BITS: u64 = 25;
const WAY_MASK: u64 = (<u64>1 << WAY_BITS) - 1;
const NAT_MAX: u64 = (<u64>1 << (64 - WAY_BITS)) - 1;

export class OraclePolicy {
  private readonly assoc: i32;
  private readonly leaves: i32; // power of two >= assoc
  // Per set, 2 * leaves nodes: node 1 the root, node leaves + w the leaf of way w.
  private readonly tree: StaticArray<u64>;

  constructor(sets: i32, assoc: i32) {
    this.assoc = assoc;
    let leaves = 1;
    while (leaves < assoc) leaves <<= 1;
    this.leaves = leaves;
    this.tree = new StaticArray<u64>(sets * 2 * leaves);
  }

  @inline hit(set: i32, way: i32, nat: u64): void {
    this.update(set, way, nat);
  }

  @inline fill(set: i32, way: i32, nat: u64, replaced: bool): void {
    this.update(set, way, nat);
  }

  @inline victim(set: i32): i32 {
    const root = unchecked(this.tree[set * 2 * this.leaves + 1]);
    return set * this.assoc + <i32>(WAY_MASK - (root & WAY_MASK));
  }

  private update(set: i32, way: i32, nat: u64): void {
    const base = changetype<usize>(this.tree) + ((<usize>set * 2 * <usize>this.leaves) << 3);
    let node = <usize>(this.leaves + way - set * this.assoc);
    let key = ((nat < NAT_MAX ? nat : NAT_MAX) << WAY_BITS) | (WAY_MASK - <u64>(node - <usize>this.leaves));
    store<u64>(base + (node << 3), key);
    while (node > 1) {
      const sibling = load<u64>(base + ((node ^ 1) << 3));
      if (sibling > key) key = sibling;
      node >>= 1;
      const at = base + (node << 3);
      if (load<u64>(at) == key) break; // unchanged here, so above too
      store<u64>(at, key);
    }
  }
}

// One set-associative cache (context cache, IOTLB, walk caches, prefetch buffer):
// lookup and fill, with the replacement policy in its own module (policy-lru.ts,
// policy-lfu.ts, policy-oracle.ts, all with the same hooks, or a user's plugin linked at
// plugin-policy.ts) and the statistics apart (cache-stats.ts).
//
// Entries live in ways `set * assoc + way`; a set fills its ways in order and never
// empties one (entries are only replaced). Sets of at most SCAN_MAX_WAYS ways are
// searched SwissTable-style: each way keeps a one-byte fingerprint of its key, and one
// SIMD compare matches 16 fingerprints at once, so only real candidates (a false one in
// 256) have their full key compared. Wider sets (the context cache is 1536-way) are
// found through an open-addressing hash table keyed by (set, address, did), so a lookup
// costs O(1) whatever the associativity. LRU caches with narrow sets (the walk caches,
// the IOTLB) take an access path inlined at each call site.

import { POLICY_LFU, POLICY_LRU, POLICY_ORACLE, POLICY_PLUGIN } from './constants';
import { CacheStats } from './cache-stats';
import { LfuPolicy } from './policy-lfu';
import { LruPolicy } from './policy-lru';
import { OraclePolicy } from './policy-oracle';
import { initPolicyPlugin, policyPluginFill, policyPluginHit, policyPluginVictim } from './plugin-hooks';
import { POLICY_PLUGIN_LINKED } from './plugin-slots';

const EMPTY: i32 = -1;
const SCAN_MAX_WAYS: i32 = 64;
const FINGERPRINT_LANES: i32 = 16; // one v128 of fingerprints

@inline function log2(x: i32): i32 {
  return 31 - clz<i32>(x);
}

/** A one-byte hash of a key, compared 16 at a time before the full keys. */
@inline function fingerprint(address: u64, did: u32): i8 {
  return <i8>(((address ^ (<u64>did << 40)) * 0x9e3779b97f4a7c15) >> 56);
}

export class Cache {
  /** Looked up at all: false for an absent cache (0 sets) and for an ideal one (model.ts). */
  readonly present: bool;
  readonly sets: i32;
  readonly assoc: i32;
  readonly policy: i32;
  readonly stats: CacheStats;
  // The replacement policy: the one of `policy`; the others are empty placeholders.
  private readonly lru: LruPolicy;
  private readonly lfu: LfuPolicy;
  private readonly oracle: OraclePolicy;
  private readonly hashed: bool; // wide sets: lookups through the hash table
  private readonly scannedLru: bool; // narrow sets with LRU: the inlined fast path
  private readonly groupMask: u32;
  private readonly bitsFree: i32;
  private readonly freeMask: u64;
  private readonly fingerprintStride: i32; // bytes of fingerprints per set (a whole number of v128s)

  // Per way.
  private readonly fingerprints: StaticArray<u8>; // set * fingerprintStride + (way - first)
  private readonly tagAddress: StaticArray<u64>;
  private readonly tagDid: StaticArray<u32>;
  // Per set.
  private readonly filled: StaticArray<i32>;
  // Hash table: way index (or EMPTY) and the home bucket of what is stored there.
  private readonly tableWay: StaticArray<i32>;
  private readonly tableHome: StaticArray<i32>;
  private readonly tableMask: i32;
  private readonly tableShift: u64;

  constructor(size: i32, assoc: i32, groups: i32, policy: i32, ideal: bool = false) {
    const sets = assoc > 0 ? size / assoc : 0;
    // An ideal cache keeps its geometry (sets, statistics) but is never looked up: every
    // access misses here and the model turns the miss into a hit.
    this.present = sets > 0 && !ideal;
    this.sets = sets;
    this.assoc = assoc;
    this.policy = policy;
    this.stats = new CacheStats(sets);
    this.lru = policy == POLICY_LRU ? new LruPolicy(sets, assoc) : new LruPolicy(0, 0);
    this.lfu = policy == POLICY_LFU ? new LfuPolicy(sets, assoc) : new LfuPolicy(0, 0);
    this.oracle = policy == POLICY_ORACLE ? new OraclePolicy(sets, assoc) : new OraclePolicy(0, 0);
    // A plugin's state is its module's own: one cache (the IOTLB) may use it.
    if (POLICY_PLUGIN_LINKED && policy == POLICY_PLUGIN) initPolicyPlugin(sets, assoc);
    this.hashed = assoc > SCAN_MAX_WAYS;
    this.scannedLru = assoc <= SCAN_MAX_WAYS && policy == POLICY_LRU;
    const bitsIndex = sets > 0 ? log2(sets) : 0;
    const bitsGroup = groups > 0 ? log2(groups) : 0;
    const bitsFree = bitsIndex - bitsGroup;
    this.groupMask = groups > 0 ? <u32>(groups - 1) : 0;
    this.bitsFree = bitsFree;
    this.freeMask = (<u64>1 << <u64>bitsFree) - 1;

    const ways = sets * assoc;
    const stride = assoc > SCAN_MAX_WAYS ? 0 : ((assoc + FINGERPRINT_LANES - 1) / FINGERPRINT_LANES) * FINGERPRINT_LANES;
    this.fingerprintStride = stride;
    this.fingerprints = new StaticArray<u8>(sets * stride);
    this.tagAddress = new StaticArray<u64>(ways);
    this.tagDid = new StaticArray<u32>(ways);
    this.filled = new StaticArray<i32>(sets);
    let tableSize = 16;
    if (assoc > SCAN_MAX_WAYS) while (tableSize < ways * 2) tableSize <<= 1;
    this.tableWay = new StaticArray<i32>(tableSize);
    this.tableHome = new StaticArray<i32>(tableSize);
    this.tableMask = tableSize - 1;
    this.tableShift = <u64>(64 - log2(tableSize));
    for (let i = 0; i < tableSize; i++) unchecked((this.tableWay[i] = EMPTY));
  }

  /** Set index: the low bits of the did choose the group (partition), `x` the set in it. */
  @inline setIndex(did: u32, x: u64): i32 {
    return <i32>(((did & this.groupMask) << <u32>this.bitsFree) | <u32>(x & this.freeMask));
  }

  /**
   * The reference's access(): a hit updates the policy (even without `alloc`) and, with
   * `alloc`, is counted; a miss with `alloc` inserts (evicting the policy's victim when
   * the set is full). `nat` is the request's next-access index (oracle policy).
   */
  @inline access(set: i32, address: u64, did: u32, nat: u64, alloc: bool): bool {
    if (!this.present) return false;
    if (!this.scannedLru) return this.accessPresent(set, address, did, did, nat, alloc);
    // The common case (walk caches, IOTLB), inlined at each call site. It repeats
    // accessPresent() with the LRU touch written in: sharing one body with a policy test
    // measured 1-2 % more instructions per translation (callgrind).
    const way = this.scan(set, address, did);
    if (way != EMPTY) {
      this.lru.hit(set, way, nat);
      if (alloc) this.stats.hit(set);
      return true;
    }
    if (alloc) this.insertMiss(set, address, did, did, nat);
    return false;
  }

  /**
   * access() for a cache keyed by `key` alone, whatever the did (the context cache is
   * keyed by sid: tenants that share a sid share its entry). `did` still chooses nothing
   * but the domain recorded when this request's miss inserts the entry; the caller has
   * already used it for the set index (groups).
   */
  @inline accessKey(set: i32, key: u64, did: u32, nat: u64, alloc: bool): bool {
    return this.present && this.accessPresent(set, key, 0, did, nat, alloc);
  }

  /** access() of (address, keyDid); a counted miss records `domainDid` among the domains seen. */
  private accessPresent(set: i32, address: u64, keyDid: u32, domainDid: u32, nat: u64, alloc: bool): bool {
    const way = this.lookup(set, address, keyDid);
    if (way != EMPTY) {
      this.policyHit(set, way, nat);
      if (alloc) this.stats.hit(set);
      return true;
    }
    if (alloc) this.insertMiss(set, address, keyDid, domainDid, nat);
    return false;
  }

  private insertMiss(set: i32, address: u64, keyDid: u32, domainDid: u32, nat: u64): void {
    this.stats.miss(set, domainDid);
    this.fill(set, address, keyDid, nat);
  }

  /** The way holding (address, did) in `set`, or -1. Changes nothing. */
  @inline lookup(set: i32, address: u64, did: u32): i32 {
    return this.hashed ? this.hashLookup(set, address, did) : this.scan(set, address, did);
  }

  // Fingerprints first, 16 ways per SIMD compare; full keys only for candidates. The
  // first candidate is checked before any loop (it is nearly always the only one), so the
  // common case runs straight through.
  @inline private scan(set: i32, address: u64, did: u32): i32 {
    const first = set * this.assoc;
    const filled = unchecked(this.filled[set]);
    const base = changetype<usize>(this.fingerprints) + <usize>(set * this.fingerprintStride);
    const probe = i8x16.splat(fingerprint(address, did));
    let candidates = i8x16.bitmask(i8x16.eq(v128.load(base), probe));
    // Lanes past the filled ways hold nothing of this set.
    if (filled < FINGERPRINT_LANES) candidates &= (1 << filled) - 1;
    if (candidates != 0) {
      const way = first + ctz(candidates);
      if (unchecked(this.tagAddress[way]) == address && unchecked(this.tagDid[way]) == did) return way;
    }
    return filled > FINGERPRINT_LANES || popcnt(candidates) > 1 ? this.scanAll(first, filled, base, address, did) : EMPTY;
  }

  // Every candidate of every lane vector (the rare case: a false fingerprint match, or
  // more than 16 ways).
  private scanAll(first: i32, filled: i32, base: usize, address: u64, did: u32): i32 {
    const probe = i8x16.splat(fingerprint(address, did));
    for (let lane = 0; lane < filled; lane += FINGERPRINT_LANES) {
      let candidates = i8x16.bitmask(i8x16.eq(v128.load(base + <usize>lane), probe));
      const valid = filled - lane;
      if (valid < FINGERPRINT_LANES) candidates &= (1 << valid) - 1;
      while (candidates != 0) {
        const way = first + lane + ctz(candidates);
        if (unchecked(this.tagAddress[way]) == address && unchecked(this.tagDid[way]) == did) return way;
        candidates &= candidates - 1;
      }
    }
    return EMPTY;
  }

  @inline private hashLookup(set: i32, address: u64, did: u32): i32 {
    const first = set * this.assoc;
    const last = first + this.assoc;
    let bucket = this.home(set, address, did);
    while (true) {
      const way = unchecked(this.tableWay[bucket]);
      if (way == EMPTY) return EMPTY;
      if (
        unchecked(this.tagAddress[way]) == address &&
        unchecked(this.tagDid[way]) == did &&
        way >= first &&
        way < last
      ) {
        return way;
      }
      bucket = (bucket + 1) & this.tableMask;
    }
  }

  /** Inserts (address, did) into `set`, replacing the policy's victim if the set is full. */
  fill(set: i32, address: u64, did: u32, nat: u64): void {
    const used = unchecked(this.filled[set]);
    const replaced = used >= this.assoc;
    let way: i32;
    if (!replaced) {
      way = set * this.assoc + used;
      unchecked((this.filled[set] = used + 1));
    } else {
      way = this.policyVictim(set);
      this.stats.conflicts++;
      if (this.hashed) this.tableRemove(way, this.home(set, unchecked(this.tagAddress[way]), unchecked(this.tagDid[way])));
    }
    unchecked((this.tagAddress[way] = address));
    unchecked((this.tagDid[way] = did));
    if (this.hashed) this.tableInsert(way, this.home(set, address, did));
    else unchecked((this.fingerprints[set * this.fingerprintStride + (way - set * this.assoc)] = <u8>fingerprint(address, did)));
    this.policyFill(set, way, nat, replaced);
  }

  // ---- the replacement policy's hooks, dispatched on the per-cache constant ----
  // (The plugin branch is compiled only into a plugin variant: POLICY_PLUGIN_LINKED.)

  @inline private policyHit(set: i32, way: i32, nat: u64): void {
    const policy = this.policy;
    if (policy == POLICY_LRU) this.lru.hit(set, way, nat);
    else if (policy == POLICY_LFU) this.lfu.hit(set, way, nat);
    else if (POLICY_PLUGIN_LINKED && policy == POLICY_PLUGIN) policyPluginHit(set, way, this.assoc);
    else this.oracle.hit(set, way, nat);
  }

  @inline private policyFill(set: i32, way: i32, nat: u64, replaced: bool): void {
    const policy = this.policy;
    if (policy == POLICY_LRU) this.lru.fill(set, way, nat, replaced);
    else if (policy == POLICY_LFU) this.lfu.fill(set, way, nat, replaced);
    else if (POLICY_PLUGIN_LINKED && policy == POLICY_PLUGIN) policyPluginFill(set, way, this.assoc, replaced);
    else this.oracle.fill(set, way, nat, replaced);
  }

  @inline private policyVictim(set: i32): i32 {
    const policy = this.policy;
    if (policy == POLICY_LRU) return this.lru.victim(set);
    if (policy == POLICY_LFU) return this.lfu.victim(set);
    if (POLICY_PLUGIN_LINKED && policy == POLICY_PLUGIN) return policyPluginVictim(set, this.assoc);
    return this.oracle.victim(set);
  }

  // ---- hash table (linear probing, backward-shift deletion) ----

  @inline private home(set: i32, address: u64, did: u32): i32 {
    let h = address ^ ((<u64>did) << 44) ^ (<u64>set * 0x9e3779b1);
    h *= 0xff51afd7ed558ccd;
    return <i32>(h >> this.tableShift);
  }

  private tableInsert(way: i32, home: i32): void {
    let bucket = home;
    while (unchecked(this.tableWay[bucket]) != EMPTY) bucket = (bucket + 1) & this.tableMask;
    unchecked((this.tableWay[bucket] = way));
    unchecked((this.tableHome[bucket] = home));
  }

  private tableRemove(way: i32, home: i32): void {
    const mask = this.tableMask;
    let hole = home;
    while (unchecked(this.tableWay[hole]) != way) hole = (hole + 1) & mask;
    // Shift back every later entry of the run that may not sit beyond the hole.
    let next = hole;
    while (true) {
      next = (next + 1) & mask;
      const moved = unchecked(this.tableWay[next]);
      if (moved == EMPTY) break;
      const movedHome = unchecked(this.tableHome[next]);
      // Distance from home: the entry may fill the hole if the hole is no farther from
      // its home than its current bucket is.
      if (((hole - movedHome) & mask) <= ((next - movedHome) & mask)) {
        unchecked((this.tableWay[hole] = moved));
        unchecked((this.tableHome[hole] = movedHome));
        hole = next;
      }
    }
    unchecked((this.tableWay[hole] = EMPTY));
  }
}

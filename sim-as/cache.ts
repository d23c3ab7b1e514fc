// One set-associative cache (context cache, IOTLB, walk caches, prefetch buffer).
//
// Entries live in ways `set * assoc + way`; a set fills its ways in order and never
// empties one (entries are only replaced). Sets of at most SCAN_MAX_WAYS ways are
// searched SwissTable-style: each way keeps a one-byte fingerprint of its key, and one
// SIMD compare matches 16 fingerprints at once, so only real candidates (a false one in
// 256) have their full key compared. Wider sets (the context cache is 1536-way) are
// found through an open-addressing hash table keyed by (set, address, did), so a lookup
// costs O(1) whatever the associativity. LRU caches with narrow sets (the walk caches,
// the IOTLB) take an access path inlined at each call site. The replacement policy is
// chosen per cache:
//   LRU    - a doubly linked recency list per set: O(1) touch and victim.
//   LFU    - 4-bit-style counters halved when one reaches 15. Halving is lazy: a set
//            keeps a halving epoch and each counter the epoch it was written in, so the
//            real value is `counter >> (setEpoch - entryEpoch)` and a halving is O(1).
//            The victim is uniformly random (seeded) among the smallest counters.
//   oracle - the entry whose next access is farthest (largest `nat`); ties go to the
//            lowest way, a fixed rule (the reference used hash-table order).
// Statistics (hits, misses, conflicts, domains, accesses per set) are counted only by
// access() with `alloc` set, as the reference does.

import { ID_COUNT, LFU_SATURATION, POLICY_LFU, POLICY_LRU, POLICY_ORACLE } from './constants';
import { zeroedArray } from './arrays';
import { randomBelow } from './random';

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
  readonly present: bool;
  readonly sets: i32;
  readonly assoc: i32;
  readonly policy: i32;
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
  private readonly lruPrev: StaticArray<i32>;
  private readonly lruNext: StaticArray<i32>;
  private readonly lfuCounter: StaticArray<u32>;
  private readonly lfuEpoch: StaticArray<u32>;
  private readonly nextAccess: StaticArray<u64>;
  // Per set.
  private readonly filled: StaticArray<i32>;
  private readonly lruHead: StaticArray<i32>; // most recent
  private readonly lruTail: StaticArray<i32>; // least recent: the LRU victim
  private readonly setEpoch: StaticArray<u32>;
  readonly setAccesses: StaticArray<u64>;
  // Hash table: way index (or EMPTY) and the home bucket of what is stored there.
  private readonly tableWay: StaticArray<i32>;
  private readonly tableHome: StaticArray<i32>;
  private readonly tableMask: i32;
  private readonly tableShift: u64;
  private readonly domainSeen: StaticArray<u8>;

  hits: u64 = 0;
  misses: u64 = 0;
  conflicts: u64 = 0;
  domains: i32 = 0;

  constructor(size: i32, assoc: i32, groups: i32, policy: i32) {
    const sets = assoc > 0 ? size / assoc : 0;
    this.present = sets > 0;
    this.sets = sets;
    this.assoc = assoc;
    this.policy = policy;
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
    this.lruPrev = new StaticArray<i32>(policy == POLICY_LRU ? ways : 0);
    this.lruNext = new StaticArray<i32>(policy == POLICY_LRU ? ways : 0);
    this.lfuCounter = new StaticArray<u32>(policy == POLICY_LFU ? ways : 0);
    this.lfuEpoch = new StaticArray<u32>(policy == POLICY_LFU ? ways : 0);
    this.nextAccess = new StaticArray<u64>(policy == POLICY_ORACLE ? ways : 0);
    this.filled = new StaticArray<i32>(sets);
    this.lruHead = new StaticArray<i32>(sets);
    this.lruTail = new StaticArray<i32>(sets);
    this.setEpoch = new StaticArray<u32>(sets);
    this.setAccesses = new StaticArray<u64>(sets);
    let tableSize = 16;
    if (assoc > SCAN_MAX_WAYS) while (tableSize < ways * 2) tableSize <<= 1;
    this.tableWay = new StaticArray<i32>(tableSize);
    this.tableHome = new StaticArray<i32>(tableSize);
    this.tableMask = tableSize - 1;
    this.tableShift = <u64>(64 - log2(tableSize));
    this.domainSeen = zeroedArray<u8>(ID_COUNT);
    for (let s = 0; s < sets; s++) {
      unchecked((this.lruHead[s] = EMPTY));
      unchecked((this.lruTail[s] = EMPTY));
    }
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
    if (!this.scannedLru) return this.accessPresent(set, address, did, nat, alloc);
    // The common case (walk caches, IOTLB), inlined at each call site. It repeats
    // accessPresent() with the LRU touch written in: sharing one body with a policy test
    // measured 1-2 % more instructions per translation (callgrind).
    const way = this.scan(set, address, did);
    if (way != EMPTY) {
      if (unchecked(this.lruHead[set]) != way) this.lruMoveToFront(set, way);
      if (alloc) this.countHit(set);
      return true;
    }
    if (alloc) this.insertMiss(set, address, did, did, nat);
    return false;
  }

  private accessPresent(set: i32, address: u64, did: u32, nat: u64, alloc: bool): bool {
    const way = this.lookup(set, address, did);
    if (way != EMPTY) {
      this.touch(set, way, nat);
      if (alloc) this.countHit(set);
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
  accessKey(set: i32, key: u64, did: u32, nat: u64, alloc: bool): bool {
    if (!this.present) return false;
    const way = this.lookup(set, key, 0);
    if (way != EMPTY) {
      this.touch(set, way, nat);
      if (alloc) this.countHit(set);
      return true;
    }
    if (alloc) this.insertMiss(set, key, 0, did, nat);
    return false;
  }

  @inline private countHit(set: i32): void {
    this.hits++;
    unchecked((this.setAccesses[set] += 1));
  }

  /** A counted miss: inserts (address, keyDid) and records `domainDid` among the domains seen. */
  private insertMiss(set: i32, address: u64, keyDid: u32, domainDid: u32, nat: u64): void {
    this.misses++;
    this.fill(set, address, keyDid, nat);
    unchecked((this.setAccesses[set] += 1));
    if (unchecked(this.domainSeen[domainDid]) == 0) {
      unchecked((this.domainSeen[domainDid] = 1));
      this.domains++;
    }
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
    let way: i32;
    if (used < this.assoc) {
      way = set * this.assoc + used;
      unchecked((this.filled[set] = used + 1));
    } else {
      way = this.victim(set);
      this.conflicts++;
      if (this.hashed) this.tableRemove(way, this.home(set, unchecked(this.tagAddress[way]), unchecked(this.tagDid[way])));
      if (this.policy == POLICY_LRU) this.lruUnlink(set, way);
    }
    unchecked((this.tagAddress[way] = address));
    unchecked((this.tagDid[way] = did));
    if (this.hashed) this.tableInsert(way, this.home(set, address, did));
    else unchecked((this.fingerprints[set * this.fingerprintStride + (way - set * this.assoc)] = <u8>fingerprint(address, did)));
    const policy = this.policy;
    if (policy == POLICY_LRU) {
      this.lruPushFront(set, way);
    } else if (policy == POLICY_LFU) {
      unchecked((this.lfuCounter[way] = 0));
      unchecked((this.lfuEpoch[way] = this.setEpoch[set]));
    } else {
      unchecked((this.nextAccess[way] = nat));
    }
  }

  // ---- replacement policies ----

  private touch(set: i32, way: i32, nat: u64): void {
    const policy = this.policy;
    if (policy == POLICY_LRU) {
      if (unchecked(this.lruHead[set]) != way) this.lruMoveToFront(set, way);
    } else if (policy == POLICY_LFU) {
      const epoch = unchecked(this.setEpoch[set]);
      const count = this.lfuValue(set, way) + 1;
      unchecked((this.lfuCounter[way] = count));
      unchecked((this.lfuEpoch[way] = epoch));
      if (count >= LFU_SATURATION) unchecked((this.setEpoch[set] = epoch + 1));
    } else {
      unchecked((this.nextAccess[way] = nat));
    }
  }

  private victim(set: i32): i32 {
    const policy = this.policy;
    if (policy == POLICY_LRU) return unchecked(this.lruTail[set]);
    const first = set * this.assoc;
    const last = first + this.assoc;
    if (policy == POLICY_LFU) {
      let smallest = u32.MAX_VALUE;
      let ties = 0;
      for (let way = first; way < last; way++) {
        const value = this.lfuValue(set, way);
        if (value < smallest) {
          smallest = value;
          ties = 1;
        } else if (value == smallest) {
          ties++;
        }
      }
      let pick = randomBelow(ties);
      for (let way = first; way < last; way++) {
        if (this.lfuValue(set, way) == smallest) {
          if (pick == 0) return way;
          pick--;
        }
      }
      return first;
    }
    let chosen = first;
    let farthest = unchecked(this.nextAccess[first]);
    for (let way = first + 1; way < last; way++) {
      const next = unchecked(this.nextAccess[way]);
      if (next > farthest) {
        farthest = next;
        chosen = way;
      }
    }
    return chosen;
  }

  @inline private lfuValue(set: i32, way: i32): u32 {
    const behind = unchecked(this.setEpoch[set]) - unchecked(this.lfuEpoch[way]);
    return behind >= 32 ? 0 : unchecked(this.lfuCounter[way]) >> behind;
  }

  private lruMoveToFront(set: i32, way: i32): void {
    this.lruUnlink(set, way);
    this.lruPushFront(set, way);
  }

  @inline private lruUnlink(set: i32, way: i32): void {
    const prev = unchecked(this.lruPrev[way]);
    const next = unchecked(this.lruNext[way]);
    if (prev != EMPTY) unchecked((this.lruNext[prev] = next));
    else unchecked((this.lruHead[set] = next));
    if (next != EMPTY) unchecked((this.lruPrev[next] = prev));
    else unchecked((this.lruTail[set] = prev));
  }

  @inline private lruPushFront(set: i32, way: i32): void {
    const head = unchecked(this.lruHead[set]);
    unchecked((this.lruPrev[way] = EMPTY));
    unchecked((this.lruNext[way] = head));
    if (head != EMPTY) unchecked((this.lruPrev[head] = way));
    else unchecked((this.lruTail[set] = way));
    unchecked((this.lruHead[set] = way));
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

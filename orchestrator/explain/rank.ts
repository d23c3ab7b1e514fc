/**
 * Ranking of the what-ifs by link utilization gained, ties shown as ties. No Node APIs:
 * the web page uses it too.
 */

// Ties: within TIE_TOLERANCE (config.ts, shared with the sweep summary). Changes that leave
// the binding bound alone give equal or nearly equal figures (where the last packets fall).
import { TIE_TOLERANCE } from '../config.js';

export interface Evaluated {
  linkUtilization: number;
  /** Bytes of storage of the changed configuration (the cost model): the cheaper of a tie first. */
  costBytes?: number;
}

export type Ranked<T> = T & {
  /** 1 = best; changes tied with each other share one rank (competition ranking: 1, 2, 2, 4). */
  rank: number;
  /** Whether another change shares this rank. */
  tied: boolean;
  /** linkUtilization − the base's. */
  gain: number;
};

/**
 * Best first. A tie group starts at its best utilization and holds every change within
 * TIE_TOLERANCE of it; inside a group the cheaper change comes first (then the higher
 * utilization, then list order).
 */
export function rankWhatIfs<T extends Evaluated>(items: readonly T[], baseUtilization: number): Ranked<T>[] {
  const order = items.map((item, index) => ({ item, index })).sort((a, b) => b.item.linkUtilization - a.item.linkUtilization || a.index - b.index);
  const groups: { item: T; index: number }[][] = [];
  for (const entry of order) {
    const group = groups[groups.length - 1];
    const leader = group?.[0];
    if (group && leader && leader.item.linkUtilization - entry.item.linkUtilization <= TIE_TOLERANCE + 1e-12) group.push(entry);
    else groups.push([entry]);
  }
  const ranked: Ranked<T>[] = [];
  for (const group of groups) {
    const rank = ranked.length + 1;
    group.sort((a, b) => (a.item.costBytes ?? 0) - (b.item.costBytes ?? 0) || b.item.linkUtilization - a.item.linkUtilization || a.index - b.index);
    for (const { item } of group) ranked.push({ ...item, rank, tied: group.length > 1, gain: item.linkUtilization - baseUtilization });
  }
  return ranked;
}

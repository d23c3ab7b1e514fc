/**
 * The search: the cheapest configuration whose link utilization reaches the target on
 * every trace. Costs are exact before anything is simulated (the cost model); only
 * utilization needs a simulation, so the search spends simulations where a cost is worth
 * checking. Three phases, each round's candidates evaluated together (in parallel):
 *
 *  1. climb: from the start, every move (each parameter one value up or down) is
 *     evaluated and the one with the best gain per byte is taken, the gain being the
 *     utilization still missing, summed over the traces and capped at the target; when no
 *     move gains (a plateau, e.g. an IOTLB far smaller than the working set), jumps of 2,
 *     4, … values are tried;
 *  2. trim: every move that lowers the cost is evaluated, and the cheapest that still
 *     reaches the target is taken, until none does;
 *  3. exchange: pairs of one move down and one move up (in different parameters) that
 *     cost less than the current configuration, ranked by cost among those a sum of the
 *     single moves' effects predicts to reach the target; the cheapest few are evaluated,
 *     the cheapest that reaches it is taken, then trimmed again (until three batches in a
 *     row find nothing).
 */
import { configCostBytes, type CostModel } from '../cost-model-core.js';
import type { ModelConfig, ParameterValue } from '../parameters.js';
import { neighbours, pointConfig, type Point, type SearchSpace } from './space.js';

/** A configuration simulated on every trace. */
export interface Evaluation {
  config: ModelConfig;
  point: Point;
  costBytes: number;
  /** Link utilization (a fraction) on each trace, in the order given; 0 for a failed simulation. */
  utilization: number[];
  /** Why a simulation failed (the configuration then never counts as reaching the target). */
  error?: string;
}

/** Runs configurations on every trace (in parallel), in any order; one Evaluation each. */
export type Evaluator = (batch: { config: ModelConfig; point: Point }[], round: RoundInfo) => Promise<Evaluation[]>;

export interface RoundInfo {
  round: number;
  phase: 'start' | 'climb' | 'trim' | 'exchange';
}

export interface Step {
  phase: RoundInfo['phase'];
  /** What changed, e.g. `tq 1 → 4`; several for an exchange. */
  changes: { key: string; from: ParameterValue; to: ParameterValue }[];
  costBytes: number;
  utilization: number[];
}

export interface SearchOptions {
  /** Target link utilization, a fraction (0.9 = 90 %). */
  target: number;
  costModel?: CostModel;
  /** Most configurations to evaluate (default 2,000). */
  budget?: number;
  /** Exchange candidates evaluated per round (default 6). */
  exchangeWidth?: number;
  onRound?: (text: string) => void;
}

export interface SearchResult {
  reached: boolean;
  /** The search stopped because it had evaluated `budget` configurations. */
  budgetSpent: boolean;
  best: Evaluation;
  start: Evaluation;
  path: Step[];
  /** Every configuration evaluated, in the order first asked for. */
  evaluated: Evaluation[];
}

const EPSILON = 1e-9;

/** +1 when a change moves up its parameter's list of values, −1 down (0 for a choice). */
function direction(space: SearchSpace, change: { key: string; from: ParameterValue; to: ParameterValue }): number {
  const values = space.domains[change.key] ?? [];
  return Math.sign(values.indexOf(change.to) - values.indexOf(change.from));
}

export async function searchCheapest(space: SearchSpace, evaluate: Evaluator, options: SearchOptions): Promise<SearchResult> {
  const { target } = options;
  const budget = options.budget ?? 2000;
  const width = options.exchangeWidth ?? 6;
  const known = new Map<string, Evaluation>();
  const keyOf = (config: ModelConfig) => JSON.stringify(config);
  let round = 0;

  /** Evaluations of `points` (invalid configurations dropped), simulating only what is not known yet. */
  const evaluateAll = async (points: Point[], phase: RoundInfo['phase']): Promise<Evaluation[]> => {
    const wanted = new Map<string, { config: ModelConfig; point: Point }>();
    for (const point of points) {
      const config = pointConfig(space, point);
      if (config === null) continue;
      const key = keyOf(config);
      if (!wanted.has(key)) wanted.set(key, { config, point });
    }
    const missing = [...wanted].filter(([key]) => !known.has(key)).slice(0, Math.max(0, budget - known.size));
    if (missing.length > 0) {
      round++;
      for (const evaluation of await evaluate(missing.map(([, item]) => item), { round, phase })) known.set(keyOf(evaluation.config), evaluation);
    }
    return [...wanted.keys()].map((key) => known.get(key)).filter((e): e is Evaluation => e !== undefined);
  };
  const reaches = (e: Evaluation) => e.error === undefined && e.utilization.every((u) => u >= target - EPSILON);
  const progress = (e: Evaluation) => (e.error !== undefined ? 0 : e.utilization.reduce((sum, u) => sum + Math.min(u, target), 0));
  const pct = (u: number) => `${(u * 100).toFixed(1)} %`;
  const describe = (e: Evaluation) => `${e.costBytes.toLocaleString('en-US')} B, worst trace ${pct(Math.min(...e.utilization))}`;
  const changesBetween = (a: Point, b: Point) =>
    Object.keys(b)
      .filter((key) => a[key] !== b[key])
      .map((key) => ({ key, from: a[key] as ParameterValue, to: b[key] as ParameterValue }));
  const say = (text: string) => options.onRound?.(text);

  const [start] = await evaluateAll([space.start], 'start');
  if (start === undefined) throw new Error('advise: the starting configuration is not valid');
  let current = start;
  const path: Step[] = [{ phase: 'start', changes: [], costBytes: start.costBytes, utilization: start.utilization }];
  say(`start: ${describe(start)}`);
  const take = (next: Evaluation, phase: Step['phase']) => {
    const changes = changesBetween(current.point, next.point);
    path.push({ phase, changes, costBytes: next.costBytes, utilization: next.utilization });
    say(`${phase}: ${changes.map((c) => `${c.key} ${String(c.from)} → ${String(c.to)}`).join(', ')}: ${describe(next)}`);
    current = next;
  };
  const costOf = (point: Point) => {
    const config = pointConfig(space, point);
    return config === null ? Number.POSITIVE_INFINITY : configCostBytes(config, options.costModel);
  };

  // 1. Climb.
  while (!reaches(current) && known.size < budget) {
    let chosen: Evaluation | undefined;
    for (let stride = 1; chosen === undefined && stride <= 64; stride *= 2) {
      const moves = neighbours(space, current.point, stride);
      if (moves.length === 0) break;
      const candidates = await evaluateAll(
        moves.map((m) => m.point),
        'climb',
      );
      let bestScore = 0;
      // Changes cheaper than 1 % of the hardware count as 1 %: otherwise free moves of
      // tiny gain (a group count) win every round and the climb crawls.
      const floor = Math.max(1, current.costBytes * 0.01);
      for (const c of candidates) {
        const gain = progress(c) - progress(current);
        if (gain <= EPSILON) continue;
        const score = gain / Math.max(floor, c.costBytes - current.costBytes);
        if (score > bestScore) {
          bestScore = score;
          chosen = c;
        }
      }
    }
    if (chosen === undefined) break;
    take(chosen, 'climb');
  }

  // The best so far when the target is out of reach: the most progress, then the lower cost.
  if (!reaches(current)) {
    const best = [...known.values()].reduce((a, b) => (progress(b) > progress(a) + EPSILON || (Math.abs(progress(b) - progress(a)) <= EPSILON && b.costBytes < a.costBytes) ? b : a));
    return { reached: false, budgetSpent: known.size >= budget, best, start, path, evaluated: [...known.values()] };
  }

  // 2 and 3. Trim, then exchange, until neither finds a cheaper configuration.
  const trim = async () => {
    for (;;) {
      const cheaper = neighbours(space, current.point).filter((m) => costOf(m.point) < current.costBytes);
      const feasible = (await evaluateAll(cheaper.map((m) => m.point), 'trim')).filter(reaches);
      if (feasible.length === 0) return;
      take(feasible.reduce((a, b) => (b.costBytes < a.costBytes ? b : a)), 'trim');
      // Momentum: the same change again, one configuration at a time, while it still reaches the target.
      for (;;) {
        const [last] = path.at(-1)?.changes ?? [];
        if (last === undefined) break;
        const again = neighbours(space, current.point).find((m) => m.key === last.key && m.from === last.to && direction(space, m) === direction(space, last));
        if (again === undefined || costOf(again.point) >= current.costBytes) break;
        const [next] = await evaluateAll([again.point], 'trim');
        if (next === undefined || !reaches(next)) break;
        take(next, 'trim');
      }
    }
  };
  await trim();
  const tried = new Set<string>();
  // Exchanges stop after this many batches in a row found nothing cheaper.
  let fruitless = 0;
  for (;;) {
    if (known.size >= budget || fruitless >= 3) break;
    const singles = await evaluateAll(
      neighbours(space, current.point).map((m) => m.point),
      'exchange',
    );
    const effect = new Map<string, number[]>();
    for (const s of singles) effect.set(JSON.stringify(s.point), s.utilization.map((u, t) => u - (current.utilization[t] ?? 0)));
    const moves = neighbours(space, current.point);
    const pairs: { point: Point; cost: number }[] = [];
    for (const down of moves) {
      for (const up of moves) {
        if (down.key === up.key) continue;
        const point = { ...current.point, [down.key]: down.to, [up.key]: up.to };
        const id = JSON.stringify(point);
        if (tried.has(id)) continue;
        const cost = costOf(point);
        if (cost >= current.costBytes) continue;
        const a = effect.get(JSON.stringify(down.point));
        const b = effect.get(JSON.stringify(up.point));
        if (a === undefined || b === undefined) continue;
        const predicted = current.utilization.map((u, t) => u + (a[t] ?? 0) + (b[t] ?? 0));
        if (predicted.every((u) => u >= target - EPSILON)) pairs.push({ point, cost });
      }
    }
    pairs.sort((x, y) => x.cost - y.cost);
    const batch = pairs.slice(0, width);
    if (batch.length === 0) break;
    for (const pair of batch) tried.add(JSON.stringify(pair.point));
    const feasible = (await evaluateAll(batch.map((p) => p.point), 'exchange')).filter(reaches);
    if (feasible.length === 0) {
      fruitless++;
      continue;
    }
    fruitless = 0;
    take(feasible.reduce((a, b) => (b.costBytes < a.costBytes ? b : a)), 'exchange');
    await trim();
  }
  return { reached: true, budgetSpent: known.size >= budget, best: current, start, path, evaluated: [...known.values()] };
}

/**
 * The cost-versus-utilization Pareto frontier of `evaluations`: those no other one beats
 * on both (cost no higher and worst-trace utilization no lower, one of them strictly),
 * cheapest first.
 */
export function paretoFrontier(evaluations: readonly Evaluation[]): Evaluation[] {
  const worst = (e: Evaluation) => Math.min(...e.utilization);
  const sorted = evaluations.filter((e) => e.error === undefined).sort((a, b) => a.costBytes - b.costBytes || worst(b) - worst(a));
  const frontier: Evaluation[] = [];
  for (const e of sorted) {
    const last = frontier.at(-1);
    if (last === undefined || worst(e) > worst(last) + EPSILON) frontier.push(e);
  }
  return frontier;
}

import type { Pbi } from './pbi';

/**
 * Who depends on whom: a PBI's key → the keys of the PBIs it depends on. PBIs without dependencies may be left out;
 * keys are as the PBIs write them (they compare ignoring case, as keys do).
 */
export type DependencyGraph = ReadonlyMap<string, readonly string[]>;

const lower = (key: string) => key.toLowerCase();

/** The graph of `pbis`' dependencies (discarded PBIs left out: they never move again, so they hold no one up). */
export function dependencyGraph(pbis: readonly Pick<Pbi, 'key' | 'dependsOn' | 'discardedAt'>[]): DependencyGraph {
  return new Map(pbis.filter((p) => p.discardedAt === null && p.dependsOn.length).map((p) => [p.key, p.dependsOn]));
}

/**
 * The cycle that `from` depending on `to` would close, as keys from `from` round to `from` again
 * (["PBI-3", "PBI-5", "PBI-3"]): the shortest path by which `to` already depends on `from`. Null when there is none.
 */
export function cycleThrough(graph: DependencyGraph, from: string, to: string): string[] | null {
  const edges = new Map([...graph].map(([key, on]) => [lower(key), on]));
  // breadth first from `to`: the first time `from` is reached, the path is a shortest one
  const cameFrom = new Map<string, string | null>([[lower(to), null]]);
  const names = new Map([[lower(to), to]]);
  const queue = [lower(to)];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i];
    if (at === lower(from)) {
      const path: string[] = [];
      for (let k: string | null = at; k !== null; k = cameFrom.get(k)!) path.push(names.get(k)!);
      return [from, ...path.reverse().slice(0, -1), from];
    }
    for (const next of edges.get(at) ?? []) {
      if (cameFrom.has(lower(next))) continue;
      cameFrom.set(lower(next), at);
      names.set(lower(next), next);
      queue.push(lower(next));
    }
  }
  return null;
}

/** The keys of the PBIs in the Product Backlog (neither finished nor discarded), for `waitingOn`. */
export function openKeys(open: readonly Pick<Pbi, 'key'>[]): ReadonlySet<string> {
  return new Set(open.map((p) => lower(p.key)));
}

/**
 * The PBI's dependencies not integrated yet: those still in the Product Backlog (`open`, from `openKeys`), in the
 * order they were added. A discarded one will never be integrated and holds no one up.
 */
export function waitingOn(pbi: Pick<Pbi, 'dependsOn'>, open: ReadonlySet<string>): string[] {
  return pbi.dependsOn.filter((k) => open.has(lower(k)));
}

import type { Pbi } from './pbi';

/**
 * A person's own open PBIs, for their App Home: those they most lately added, moved or changed a square of
 * (`touched`, the latest first), then those they swarm on; at most `max`.
 */
export function ownPbis(open: readonly Pbi[], touched: readonly string[], user: string, max: number): Pbi[] {
  const byKey = new Map(open.map((p) => [p.key, p]));
  const mine = touched.flatMap((key) => byKey.get(key) ?? []);
  const swarmed = open.filter((p) => p.swarming.includes(user) && !mine.includes(p));
  return [...mine, ...swarmed].slice(0, max);
}

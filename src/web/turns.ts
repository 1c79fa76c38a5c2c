/**
 * Pages (and chart images) of one Nexus drawn at once; the rest wait their turn, up to WAITING_PER_NEXUS, and more
 * get 429. A page's charts arrive together (the Charts page asks for 7); a crawler or a reload storm on one link must
 * not take the process's CPU from every other Nexus.
 */
export const PAGES_AT_ONCE_PER_NEXUS = 2;
export const WAITING_PER_NEXUS = 16;

type Turns = { running: number; waiting: (() => void)[] };

/** Turns per Nexus: `take` resolves true when a request may draw (at once or after waiting), false when refused. */
export function nexusTurns(atOnce = PAGES_AT_ONCE_PER_NEXUS, waiting = WAITING_PER_NEXUS) {
  const turns = new Map<string, Turns>();
  return {
    take(nexusId: string): Promise<boolean> {
      const of = turns.get(nexusId) ?? { running: 0, waiting: [] };
      turns.set(nexusId, of);
      if (of.running < atOnce) {
        of.running++;
        return Promise.resolve(true);
      }
      if (of.waiting.length >= waiting) return Promise.resolve(false);
      return new Promise((resolve) => of.waiting.push(() => resolve(true)));
    },
    /** A request that took a turn is done: the next waiting gets it. */
    release(nexusId: string): void {
      const of = turns.get(nexusId);
      if (!of) return;
      const next = of.waiting.shift();
      if (next) next();
      else if (--of.running === 0) turns.delete(nexusId);
    },
    /** Nexuses with requests drawing or waiting (none left behind once all are done). */
    busy: () => turns.size,
  };
}

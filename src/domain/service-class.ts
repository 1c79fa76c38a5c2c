import { MAX_CLASS_NAME, MAX_CLASSES } from './limits';

/**
 * Classes of service every Nexus has. `standard` is every PBI's until someone gives it another; `expedite` work is
 * shown apart and does not count against stage WIP limits; `fixed-date` work has a date it is due by; `intangible`
 * work (upkeep, learning) has no visible value date.
 */
export const BUILT_IN_CLASSES = ['standard', 'expedite', 'fixed-date', 'intangible'] as const;
export const STANDARD = 'standard';
export const EXPEDITE = 'expedite';
export const FIXED_DATE = 'fixed-date';

/**
 * A class of service with its own SLE (days) and WIP limit, as the Nexus keeps it: each of its own classes, and a
 * built-in class the Nexus gave an SLE or a WIP limit. A built-in class with neither is not kept: it needs no entry.
 */
export type ServiceClass = { name: string; sleDays: number | null; wipLimit: number | null };

/**
 * A class's name: letters, digits and `-_.`, starting with a letter or digit, at most MAX_CLASS_NAME characters
 * (`integration-risk`). No spaces, so `/pbi class PBI-7 integration-risk --date …` needs no quotes. Names compare
 * without case.
 */
export const CLASS_NAME = new RegExp(`^[\\p{L}\\p{N}][\\p{L}\\p{N}_.-]{0,${MAX_CLASS_NAME - 1}}$`, 'u');

export type ClassProblem =
  | { problem: 'unknown-class'; serviceClass: string; classes: string[] }
  | { problem: 'invalid-class-name'; serviceClass: string }
  | { problem: 'too-many-classes'; count: number }
  /** a built-in class can't be removed; only its own SLE and WIP limit can be taken away */
  | { problem: 'class-built-in'; serviceClass: string }
  | { problem: 'class-unchanged'; serviceClass: ServiceClass };

/** Why a PBI can't be given a class (besides its being discarded, or having it already). */
export type PbiClassProblem =
  | Extract<ClassProblem, { problem: 'unknown-class' }>
  /** `fixed-date` without the date it is due by */
  | { problem: 'class-needs-date'; key: string }
  /** a date given with a class that has none */
  | { problem: 'date-without-fixed-date'; key: string; serviceClass: string }
  /** a due date before today (`today`, in the Nexus's zone) */
  | { problem: 'due-date-past'; key: string; dueDate: string; today: string };

/** What has a class: a PBI (pbi.ts, which this file does not import: a PBI is born `standard`). */
export type Classed = { serviceClass: string };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export const isBuiltIn = (name: string): boolean => BUILT_IN_CLASSES.some((c) => same(c, name));

/** Every class a PBI can have in this Nexus: the built-in ones, then the Nexus's own in the order they were added. */
export function classNames(classes: readonly ServiceClass[]): string[] {
  return [...BUILT_IN_CLASSES, ...classes.filter((c) => !isBuiltIn(c.name)).map((c) => c.name)];
}

/** The class named (any case), with its SLE and WIP limit; undefined when the Nexus has no such class. */
export function findClass(classes: readonly ServiceClass[], name: string): ServiceClass | undefined {
  const kept = classes.find((c) => same(c.name, name));
  if (kept) return kept;
  const builtIn = BUILT_IN_CLASSES.find((c) => same(c, name));
  return builtIn ? { name: builtIn, sleDays: null, wipLimit: null } : undefined;
}

/** A PBI's class as the Nexus has it now: one it removed since (a finished PBI keeps its name) has no limits. */
export function classOf(classes: readonly ServiceClass[], pbi: Classed): ServiceClass {
  return findClass(classes, pbi.serviceClass) ?? { name: pbi.serviceClass, sleDays: null, wipLimit: null };
}

export const isExpedite = (pbi: Classed): boolean => same(pbi.serviceClass, EXPEDITE);

/**
 * Adds a class, or gives one the Nexus has (built-in or its own) the SLE and WIP limit given (one left out: none).
 * `added` says which it was.
 */
export function addClass(
  classes: readonly ServiceClass[],
  given: ServiceClass,
): { classes: ServiceClass[]; added: boolean; serviceClass: ServiceClass } | ClassProblem {
  if (!CLASS_NAME.test(given.name)) return { problem: 'invalid-class-name', serviceClass: given.name };
  const existing = findClass(classes, given.name);
  const serviceClass = { ...given, name: existing?.name ?? given.name };
  if (existing && existing.sleDays === given.sleDays && existing.wipLimit === given.wipLimit) {
    return { problem: 'class-unchanged', serviceClass };
  }
  const others = classes.filter((c) => !same(c.name, given.name));
  // a built-in class without limits needs no entry
  const keep = !isBuiltIn(serviceClass.name) || serviceClass.sleDays !== null || serviceClass.wipLimit !== null;
  const next = keep ? [...others, serviceClass] : others;
  const own = next.filter((c) => !isBuiltIn(c.name)).length;
  if (!existing && own > MAX_CLASSES) return { problem: 'too-many-classes', count: own };
  return { classes: next, added: !existing, serviceClass };
}

/**
 * The Nexus's classes without its own class `name`. Open PBIs of that class would be left with a class the Nexus
 * no longer has: the store refuses that in the same turn as it saves, as only it sees every PBI as it is then.
 */
export function removeClass(
  classes: readonly ServiceClass[],
  name: string,
): { classes: ServiceClass[]; removed: string } | ClassProblem {
  if (isBuiltIn(name)) return { problem: 'class-built-in', serviceClass: findClass(classes, name)!.name };
  const existing = classes.find((c) => same(c.name, name));
  if (!existing) return { problem: 'unknown-class', serviceClass: name, classes: classNames(classes) };
  return { classes: classes.filter((c) => c !== existing), removed: existing.name };
}

export function isClassProblem<T extends object>(value: T | ClassProblem): value is ClassProblem {
  return 'problem' in value;
}

/** Open fixed-date PBIs, the soonest due first. */
export function fixedDatePbis<
  P extends Classed & { dueDate: string | null; finishedAt: unknown; discardedAt: unknown },
>(open: readonly P[]): P[] {
  return open
    .filter((p) => p.finishedAt === null && p.discardedAt === null && p.serviceClass === FIXED_DATE && p.dueDate)
    .sort((a, b) => (a.dueDate! < b.dueDate! ? -1 : a.dueDate! > b.dueDate! ? 1 : 0));
}

import type { Pbi } from '../domain/pbi';
import type { Prisma, PrismaClient } from '../generated/prisma/client';

/** Answers kept, over all Nexuses and questions; the oldest goes first. */
const MEMO_SIZE = 500;

/**
 * `revision` moves with every change of the Nexus or its PBIs; `flowRevision` only when a PBI's start, finish or
 * discard does, so what finished in a window stays remembered through ordinary moves.
 */
export type Revisions = { revision: number; flowRevision: number };
export type Revision = keyof Revisions;

/** One committed change of a PBI. */
export type PbiWrite = { before: Pbi | null; after: Pbi };

/**
 * Brings an answer forward over one commit's PBI writes; undefined when they make it unknowable (a top-N list lost one).
 * Answers without a patch, or whose patch gives up, are loaded again.
 */
export type Patch<T> = (value: T, writes: readonly PbiWrite[]) => T | undefined;
/** Brings an answer forward over PBIs written elsewhere, known only as they are now (another replica's writes). */
export type CatchUp<T> = (value: T, written: readonly Pbi[]) => T;

type Answer = {
  after: Revision;
  revision: number;
  value: Promise<unknown>;
  /** the value, once loaded: a write patches it at once, or forgets the answer */
  settled?: { value: unknown };
  patch?: Patch<unknown>;
  catchUp?: CatchUp<unknown>;
};

/** Past this many revisions behind, loading the answer again is cheaper than reading what changed. */
const CATCH_UP_LIMIT = 500;

/**
 * How long a write may wait for its turn and take. Writers of one Nexus queue on its row (one at a time, in order), so
 * under a burst a write waits for those ahead of it: that is contention, not failure, and must not reach a person.
 */
export const WRITE_TRANSACTION = { maxWait: 60_000, timeout: 60_000 };

/**
 * Takes the Nexus's row for this transaction and marks a change: every writer of the Nexus (PBI commands, the tracker
 * inbox, settings) goes through here first, so they run one at a time, each deciding on the Nexus and PBIs as the one
 * before left them. Returns the Nexus's row as it is now (its settings) and its new revision.
 */
export async function lockNexus(tx: Prisma.TransactionClient, nexusId: string) {
  return tx.nexus.update({ where: { id: nexusId }, data: { revision: { increment: 1 } } });
}

/** After `lockNexus`: bumps `flowRevision` too when the writes changed a start, finish or discard. */
export async function markFlowWrites(
  tx: Prisma.TransactionClient,
  nexusId: string,
  locked: Revisions,
  writes: readonly PbiWrite[],
): Promise<Revisions> {
  if (!writes.some(flowDatesChanged)) return { revision: locked.revision, flowRevision: locked.flowRevision };
  return tx.nexus.update({
    where: { id: nexusId },
    data: { flowRevision: { increment: 1 } },
    select: { revision: true, flowRevision: true },
  });
}

/**
 * Marks a change. Called first in the write's transaction: the row lock orders writers of one Nexus, so a reader that
 * sees revision r has also seen every change up to r.
 */
export async function bumpRevision(
  tx: Prisma.TransactionClient,
  nexusId: string,
  writes: readonly PbiWrite[],
): Promise<Revisions> {
  const data = writes.some(flowDatesChanged)
    ? { revision: { increment: 1 }, flowRevision: { increment: 1 } }
    : { revision: { increment: 1 } };
  return tx.nexus.update({ where: { id: nexusId }, data, select: { revision: true, flowRevision: true } });
}

function flowDatesChanged({ before, after }: PbiWrite): boolean {
  const instant = (pbi: Pbi | null, of: 'startedAt' | 'finishedAt' | 'discardedAt') => pbi?.[of]?.toMillis() ?? null;
  return (['startedAt', 'finishedAt', 'discardedAt'] as const).some((of) => instant(before, of) !== instant(after, of));
}

/**
 * Read answers remembered until the Nexus's revision moves. Safe with several replicas: each read asks the database
 * for the revision first, so a change made anywhere is seen, and the answer is loaded after that, never older than it.
 * Requests that ask at the same moment share the revision read and the load. Lists are frozen: requests share them.
 */
export function revisionMemo(
  prisma: PrismaClient,
  writtenSince: (nexusId: string, revision: number) => Promise<readonly Pbi[]>,
): RevisionMemo {
  const answers = new Map<string, Answer>();
  const asking = new Map<string, Promise<Revisions | null>>();

  function revisionsOf(nexusId: string): Promise<Revisions | null> {
    const known = asking.get(nexusId);
    if (known) return known;
    const read = prisma.nexus.findUnique({ where: { id: nexusId }, select: { revision: true, flowRevision: true } });
    asking.set(nexusId, read);
    const done = () => asking.get(nexusId) === read && asking.delete(nexusId);
    read.then(done, done);
    return read;
  }

  async function rememberedAt<T>(
    asked: Promise<Revisions | null>,
    nexusId: string,
    question: string,
    after: Revision,
    load: () => Promise<T>,
    patch?: Patch<T>,
    catchUp?: CatchUp<T>,
  ): Promise<T> {
    const revisions = await asked;
    if (!revisions) return load();
    const key = `${nexusId}|${question}`;
    const known = answers.get(key);
    if (known && known.revision >= revisions[after]) return known.value as Promise<T>;
    // another replica wrote: read the PBIs it wrote rather than everything again
    const caughtUp =
      known?.catchUp && after === 'revision' && revisions.revision - known.revision <= CATCH_UP_LIMIT
        ? Promise.all([known.value as Promise<T>, writtenSince(nexusId, known.revision)]).then(([v, written]) =>
            (catchUp as CatchUp<T>)(v, written),
          )
        : null;
    const value = (caughtUp ?? load()).then(freeze);
    remember(key, {
      after,
      revision: revisions[after],
      value,
      patch: patch as Patch<unknown> | undefined,
      catchUp: catchUp as CatchUp<unknown> | undefined,
    });
    return value;
  }

  const memo = {
    remembered<T>(
      nexusId: string,
      question: string,
      after: Revision,
      load: () => Promise<T>,
      patch?: Patch<T>,
      catchUp?: CatchUp<T>,
    ): Promise<T> {
      return rememberedAt(revisionsOf(nexusId), nexusId, question, after, load, patch, catchUp);
    },

    /**
     * After this process committed `writes` at `revisions`: loaded answers one step behind are patched; the rest, and
     * those a write makes unknowable, are forgotten (loaded again only when asked).
     */
    written(nexusId: string, revisions: Revisions, writes: readonly PbiWrite[]): void {
      asking.delete(nexusId);
      for (const [key, answer] of answers) {
        if (!key.startsWith(`${nexusId}|`) || answer.revision >= revisions[answer.after]) continue;
        const { patch, settled } = answer;
        const patched =
          patch && settled && answer.revision === revisions[answer.after] - 1
            ? patch(settled.value, writes)
            : undefined;
        if (patched === undefined) answers.delete(key);
        else
          remember(key, {
            ...answer,
            revision: revisions[answer.after],
            value: Promise.resolve(freeze(patched)),
            settled: { value: patched },
          });
      }
    },

    /** The Nexus's settings changed (no PBI written): nothing to patch, but what was known of its revisions is old. */
    changed(nexusId: string): void {
      asking.delete(nexusId);
    },

    /**
     * This memo for one request that has just read the Nexus's row, and with it its revisions: the request's reads
     * use those instead of asking again, until the request itself writes (then they ask, as any read does).
     */
    knowing(nexusId: string, revisions: Revisions): RevisionMemo {
      let known: Revisions | null = revisions;
      return {
        ...memo,
        remembered: (id, question, after, load, patch, catchUp) =>
          rememberedAt(
            id === nexusId && known ? Promise.resolve(known) : revisionsOf(id),
            id,
            question,
            after,
            load,
            patch,
            catchUp,
          ),
        written(id, at, writes) {
          if (id === nexusId) known = null;
          memo.written(id, at, writes);
        },
        changed(id) {
          if (id === nexusId) known = null;
          memo.changed(id);
        },
      };
    },
  };
  return memo;

  function remember(key: string, answer: Answer): void {
    answer.value.then(
      (value) => void (answer.settled = { value }),
      // a failed load is forgotten, so the next read tries again
      () => answers.get(key)?.value === answer.value && answers.delete(key),
    );
    answers.delete(key);
    if (answers.size >= MEMO_SIZE) answers.delete(answers.keys().next().value!);
    answers.set(key, answer);
  }
}

export type RevisionMemo = {
  remembered<T>(
    nexusId: string,
    question: string,
    after: Revision,
    load: () => Promise<T>,
    patch?: Patch<T>,
    catchUp?: CatchUp<T>,
  ): Promise<T>;
  written(nexusId: string, revisions: Revisions, writes: readonly PbiWrite[]): void;
  changed(nexusId: string): void;
  knowing(nexusId: string, revisions: Revisions): RevisionMemo;
};

function freeze<T>(value: T): T {
  return Array.isArray(value) ? (Object.freeze(value) as T) : value;
}

import type { TrackerKind, TrackerNews } from '../domain/tracker';
import { bold, code, escape, lineSections, link } from './blocks';
import { ephemeral, inChannel, type Reply } from './reply';
import { count, inStage } from './words';

export const TRACKER_NAMES: Record<TrackerKind, string> = {
  jira: 'Jira',
  github: 'GitHub',
  azure: 'Azure DevOps',
  linear: 'Linear',
  gitlab: 'GitLab',
  generic: 'Generic webhook',
};

/** One line per PBI (its latest move), in the channel. */
export function renderTrackerMoves(moves: TrackerNews['moves']): Reply {
  const latest = new Map(moves.map((m) => [m.key, m]));
  const first = new Map<string, string | null>();
  for (const m of moves) if (!first.has(m.key)) first.set(m.key, m.from);
  const lines = [...latest.values()].map((m) => {
    const from = first.get(m.key);
    const path =
      from === null ? `new ${inStage(m.to, (name) => bold(escape(name)))}` : `${escape(from!)} → ${bold(escape(m.to))}`;
    return `${code(m.key)} ${link(m.title, m.url)}: ${path} _(${TRACKER_NAMES[m.kind]})_`;
  });
  const text = `🔀 ${lines.length === 1 ? 'A move' : `${lines.length} moves`} from the tracker`;
  return inChannel(text, lineSections([`${text}:`, ...lines], 2));
}

/** The command that maps a tracker's status to a stage, for a person to copy. */
export function mapCommand(kind: TrackerKind, status: string): string {
  return code(`/nexus map ${kind} "${status}" <stage>`);
}

/** To the NIT alone, once per status: what has no stage yet, how much waits for it, and the command that fixes it. */
export function renderUnmapped(unmapped: TrackerNews['unmapped']): Reply {
  const lines = unmapped.map(
    (u) =>
      `• ${TRACKER_NAMES[u.kind]} status ${bold(escape(u.status))} has no stage; ${count(u.waiting, 'move waits', 'moves wait')}. Map it: ${mapCommand(u.kind, u.status)}`,
  );
  return ephemeral(
    `Tracker statuses without a stage: ${unmapped.map((u) => escape(u.status)).join(', ')}`,
    lineSections(['⚠️ Tracker statuses without a stage (the moves are kept and applied once mapped):', ...lines], 2),
  );
}

/** The trackers a Nexus can connect; a tracker's changes are recorded with its kind as their actor. */
export const TRACKER_KINDS = ['jira', 'github', 'azure', 'linear', 'gitlab', 'generic'] as const;
export type TrackerKind = (typeof TRACKER_KINDS)[number];

export function isTrackerKind(word: string): word is TrackerKind {
  return (TRACKER_KINDS as readonly string[]).includes(word);
}

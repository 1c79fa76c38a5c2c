/**
 * Where a command reads a file the person gave it, whichever door they came by: in Slack a file shared in the Nexus
 * channel or in a direct message with the bot, in the console a path. `ref` names the file again (a Slack file id, a
 * path), so a button can ask for the very file its dry run read.
 */
export type SharedFiles = {
  /** the file `ref` names, or with none, the newest CSV file the person shared where the bot can read it */
  find(ref: string | null, maxBytes: number): Promise<SharedFile | FileProblem>;
};

export type SharedFile = { ref: string; name: string; bytes: Uint8Array };

/** Why the file can't be read; `where` says which door asked, for the words that tell what to do. */
export type FileProblem = { where: 'slack' | 'console' } & (
  | { problem: 'file-none-shared' }
  | { problem: 'file-not-found'; ref: string }
  | { problem: 'file-not-here'; name: string }
  | { problem: 'file-too-large'; name: string; bytes: number; max: number }
  /** `kind`: what the file is, as its source names it (`Excel Spreadsheet`), when it says */
  | { problem: 'file-not-csv'; name: string; kind: string | null }
  /** Slack answered the download with its sign-in page, not the file */
  | { problem: 'file-not-handed-over'; name: string }
  | { problem: 'file-no-access'; needed: string | null }
  | { problem: 'file-no-door' }
);

export function isFileProblem(value: SharedFile | FileProblem): value is FileProblem {
  return 'problem' in value;
}

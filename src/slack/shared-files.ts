import type { WebClient } from '@slack/web-api';
import type { FileProblem, SharedFile, SharedFiles } from '../commands/shared-files';

/** How many of the person's latest files `files.list` is asked for when looking for their newest CSV. */
const LATEST_FILES = 100;

/** What the bot reads of a Slack file (files.list, files.info). */
type SlackFile = {
  id?: string;
  name?: string;
  filetype?: string;
  pretty_type?: string;
  size?: number;
  created?: number;
  channels?: string[];
  groups?: string[];
  ims?: string[];
  url_private_download?: string;
};

/**
 * Files in Slack, for one command typed by `userId` in `channelId`: the file a Slack file id or link names
 * (`files.info`), or the newest CSV file the person shared in this channel or in a direct message with the bot
 * (`files.list`, filtered by its user). Only a file shared in one of those is read, and only its
 * `url_private_download` with the bot's token (scope `files:read`); nothing is read past `maxBytes`.
 */
export function slackFiles(client: WebClient, token: string, ids: { channelId: string; userId: string }): SharedFiles {
  const problem = (p: DistributiveOmit<FileProblem, 'where'>): FileProblem => ({ ...p, where: 'slack' }) as FileProblem;
  const here = (f: SlackFile) =>
    [...(f.channels ?? []), ...(f.groups ?? [])].includes(ids.channelId) || (f.ims ?? []).length > 0;
  const isCsv = (f: SlackFile) => f.filetype === 'csv' || /\.csv$/i.test(f.name ?? '');

  async function lookUp(ref: string | null): Promise<SlackFile | FileProblem> {
    try {
      if (ref === null) {
        const listed = await client.files.list({ user: ids.userId, count: LATEST_FILES });
        const newest = ((listed.files ?? []) as SlackFile[])
          .filter((f) => isCsv(f) && here(f))
          .sort((a, b) => (b.created ?? 0) - (a.created ?? 0))[0];
        return newest ?? problem({ problem: 'file-none-shared' });
      }
      const id = fileId(ref);
      if (!id) return problem({ problem: 'file-not-found', ref: ref.slice(0, 80) });
      const info = await client.files.info({ file: id });
      return info.file as SlackFile;
    } catch (error) {
      const code = (error as { data?: { error?: string; needed?: string } }).data;
      if (code?.error === 'file_not_found' || code?.error === 'file_deleted')
        return problem({ problem: 'file-not-found', ref: (ref ?? '').slice(0, 80) });
      if (code?.error === 'missing_scope' || code?.error === 'no_permission')
        return problem({ problem: 'file-no-access', needed: code.needed ?? null });
      throw error;
    }
  }

  return {
    async find(ref, maxBytes): Promise<SharedFile | FileProblem> {
      const file = await lookUp(ref);
      if ('problem' in file) return file;
      const name = file.name ?? file.id ?? 'file';
      if (!here(file)) return problem({ problem: 'file-not-here', name });
      if (!isCsv(file) && file.filetype !== 'text')
        return problem({ problem: 'file-not-csv', name, kind: file.pretty_type ?? file.filetype ?? null });
      if ((file.size ?? 0) > maxBytes)
        return problem({ problem: 'file-too-large', name, bytes: file.size!, max: maxBytes });
      const bytes = await download(file.url_private_download ?? '', token, maxBytes);
      if (bytes === 'not-found') return problem({ problem: 'file-not-found', ref: file.id ?? name });
      if (bytes === 'not-a-file') return problem({ problem: 'file-not-handed-over', name });
      if (bytes === 'too-large')
        return problem({ problem: 'file-too-large', name, bytes: maxBytes + 1, max: maxBytes });
      return { ref: file.id!, name, bytes };
    },
  };
}

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

/** The file id in what was typed: an id (`F0123ABC`) or a file's link (`…/files/U123/F0123ABC/data.csv`). */
export function fileId(ref: string): string | null {
  const id = /^F[A-Z0-9]{6,}$/.test(ref) ? ref : /\/files\/[^/]+\/(F[A-Z0-9]{6,})(?:\/|$)/.exec(ref)?.[1];
  return id ?? null;
}

const BEARER = 'Bearer';

/**
 * The file's bytes, fetched as Slack asks: `url_private_download` with the bot's token as a bearer. Slack answers a
 * request it does not accept with its sign-in page (HTML), which is no file.
 */
async function download(
  url: string,
  token: string,
  maxBytes: number,
): Promise<Uint8Array | 'not-found' | 'not-a-file' | 'too-large'> {
  if (!/^https?:\/\//.test(url)) return 'not-found';
  const res = await fetch(url, { headers: { authorization: `${BEARER} ${token}` }, redirect: 'manual' });
  if (res.status === 404 || res.status === 403 || res.status === 401) return 'not-found';
  if (!res.ok) {
    if (res.status >= 300 && res.status < 400) return 'not-a-file';
    throw new Error(`Slack answered ${res.status} for a file download`);
  }
  if (/text\/html/i.test(res.headers.get('content-type') ?? '')) return 'not-a-file';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    if (size > maxBytes) {
      await res.body?.cancel();
      return 'too-large';
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

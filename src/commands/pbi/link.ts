import { MAX_LINK_NOTE, MAX_LINK_URL } from '../../domain/limits';
import { decideLink, decideUnlink } from '../../domain/pbi-decisions';
import { code, escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { linkText } from '../../render/pbi';
import { defineCommand, type Invalid, invalid, isInvalid } from '../command';
import { freeText } from '../free-text';
import { parseKey } from './change';

type LinkInput = { key: string; url: string; note: string; remove: boolean };
const usage = '/pbi link <key> <url> [<note…>] | /pbi link <key> remove <url>';

/**
 * `/pbi link PBI-7 https://shop.slack.com/archives/C1/p1 Agreed with legal`: where the PBI was talked about goes into
 * its history, so its decision trail is at hand at the Sprint Review. Slack's `<url|text>` form is read as the URL and
 * its text (the note, unless one follows).
 */
export const pbiLink = defineCommand<LinkInput, ChangeOutcome>({
  path: ['pbi', 'link'],
  usage,
  summary: 'link a PBI to where it was talked about (a Slack thread, a document), with a short note; `remove` unlinks',
  scope: 'nexus',
  nitOnly: false,
  parse(words, raw) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    const remove = words[1]?.toLowerCase() === 'remove';
    const given = linkAndNote(words.slice(remove ? 2 : 1), raw?.slice(remove ? 2 : 1), key);
    if (isInvalid(given)) return given;
    if (remove && given.note) return invalid('`/pbi link … remove` takes only the URL.', 'url');
    return { key, ...given, remove };
  },
  execute({ key, url, note, remove }, { store, nexus, now, userId }) {
    const who = { at: now(), actor: userId };
    return store.pbis.change(nexus, key, (pbi) =>
      remove ? decideUnlink(pbi, url, who) : decideLink(pbi, url, note, who),
    );
  },
  render: (outcome, { nexus }) =>
    renderChange(outcome, nexus, usage, (pbi, e) => {
      if (e.type === 'pbi.linked') return `🔗 ${by(e)} linked *${escape(pbi.key)}* to ${linkText(e)}`;
      return `🔗 ${by(e)} took the link ${e.type === 'pbi.unlinked' ? escape(e.url) : ''} off *${escape(pbi.key)}*`;
    }),
});

/** The URL (typed bare or as Slack's `<url>` / `<url|text>`) and the note after it. */
function linkAndNote(
  words: readonly string[],
  raw: readonly string[] | undefined,
  key: string,
): { url: string; note: string } | Invalid {
  if (!words.length) return invalid('Which link? Give its URL, e.g. a Slack thread’s “Copy link”.', 'url');
  const typed = (raw ?? words).join(' ');
  const slack = /^<([^|<>\s]+)(?:\|([^<>]*))?>\s*([\s\S]*)$/.exec(typed);
  const url = slack ? slack[1] : words[0];
  const rest = slack
    ? slack[3]
    : freeText(words.slice(1), raw?.slice(1), { noun: 'note', command: `/pbi link ${key} ${words[0]}` });
  if (isInvalid(rest)) return rest;
  const fault = urlFault(url);
  if (fault) return fault;
  const note = (rest.trim() || slack?.[2]?.trim() || '').replace(/\s+/g, ' ');
  if ([...note].length > MAX_LINK_NOTE) return invalid(`A link's note is at most ${MAX_LINK_NOTE} characters.`, 'note');
  return { url, note };
}

function urlFault(url: string): Invalid | null {
  if (url.length > MAX_LINK_URL) return invalid(`A link is at most ${MAX_LINK_URL} characters.`, 'url');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return invalid(`${code(url.slice(0, 60))} is not a URL: give a whole one, starting with https://.`, 'url');
  }
  if (parsed.protocol !== 'https:')
    return invalid(`${code(url.slice(0, 60))} is not an https:// link: only https links are kept.`, 'url');
  return null;
}

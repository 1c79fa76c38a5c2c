import type { DateTime } from 'luxon';
import type { Nexus } from '../domain/nexus';
import type { Reply } from '../render/reply';
import type { Store } from '../store';
import type { ChannelPosts } from './channel-posts';
import type { LongJobs } from './long-jobs';
import type { SharedFiles } from './shared-files';

/** Who typed the command, where, and when; plus the store it acts on. Slack and the console both build one. */
export type CommandContext = {
  store: Store;
  now: () => DateTime;
  workspaceId: string;
  channelId: string;
  userId: string;
  /** where trackers reach this app (PUBLIC_URL), for the webhook URLs `/nexus tracker` shows */
  publicUrl?: string;
  /** where long jobs (the accuracy replay) take their budget and turn; the process's own when not given */
  jobs?: LongJobs;
  /** an import of a tracker's history was started: the process's import worker takes it up now, not at its sweep */
  kickImports?: () => void;
  /** when the person's slash command reached the bot (Slack): a move of theirs that comes in late is judged by it */
  askedAt?: DateTime;
  /** files the person shared for a command to read (a CSV to import): Slack's, or the console's paths */
  files?: SharedFiles;
  /** channels besides this one the bot posts in (a team's own): Slack's, or the console's output */
  channels?: ChannelPosts;
};

export type NexusContext = CommandContext & { nexus: Nexus };

/**
 * What parse returns when the words don't make a valid command; the dispatcher shows it with the usage. `field` names
 * what given was wrong (a flag such as `token`), so a form asking for the same things shows it beside that field.
 */
export type Invalid = { invalid: string; field?: string };

type Steps<I, O, C> = {
  /** the words that name it, e.g. ['pbi', 'move'] */
  path: [string, string];
  usage: string;
  summary: string;
  /**
   * `raw` holds each word as it was typed, quotes and all (see `tokenize`), for free text such as a title; it is absent
   * when the words come from a button or a form, which have no quotes to read.
   */
  parse(words: string[], raw?: readonly string[]): I | Invalid;
  execute(input: I, ctx: C): Promise<O>;
  render(outcome: O, ctx: C): Reply;
};

/**
 * One command, in three steps: parse (words → input, no I/O), execute (input → outcome, through the store), and
 * render (outcome → reply, pure). Most act on the channel's Nexus; a few ('channel' scope) run without one.
 */
export type Command<I, O> =
  | (Steps<I, O, NexusContext> & { scope: 'nexus'; nitOnly: boolean })
  | (Steps<I, O, CommandContext> & { scope: 'channel' });

/** A command with its types forgotten, so commands of every shape fit in one table. */
export type AnyCommand = Command<any, any>;

export function defineCommand<I, O>(command: Command<I, O>): AnyCommand {
  return command;
}

/** What parse returns for a settings command typed with nothing after it: show the setting, change nothing. */
export type ShowSetting = { show: true };
export const SHOW_SETTING: ShowSetting = { show: true };

export function isShowSetting(value: unknown): value is ShowSetting {
  return typeof value === 'object' && value !== null && 'show' in value && value.show === true;
}

export function isInvalid(value: unknown): value is Invalid {
  return typeof value === 'object' && value !== null && 'invalid' in value;
}

export const invalid = (message: string, field?: string): Invalid =>
  field ? { invalid: message, field } : { invalid: message };

import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps';
import { registerAddAsPbi } from './add-as-pbi';
import { registerBlockWithMessage } from './block-with-message';
import { messageShortcuts } from './from-message';
import { registerLinkToPbi } from './link-to-pbi';

/** Message shortcuts (the "More actions" menu of a message): a conversation becomes a PBI without retyping it. */
export function registerShortcuts(app: App, deps: SlackDeps): void {
  const shortcuts = messageShortcuts(app, deps);
  registerAddAsPbi(app, deps, shortcuts);
  registerBlockWithMessage(app, deps, shortcuts);
  registerLinkToPbi(app, deps, shortcuts);
}

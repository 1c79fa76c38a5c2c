import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps';
import { registerAddAsPbi } from './add-as-pbi';

/** Message shortcuts (the "More actions" menu of a message): a conversation becomes a PBI without retyping it. */
export function registerShortcuts(app: App, deps: SlackDeps): void {
  registerAddAsPbi(app, deps);
}

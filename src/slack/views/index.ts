import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps';
import { registerBlockView } from './block-modal';
import { registerImportView } from './import-modal';
import { registerSetupView } from './setup-modal';

export function registerViews(app: App, deps: SlackDeps): void {
  registerSetupView(app, deps);
  registerBlockView(app, deps);
  registerImportView(app, deps);
}

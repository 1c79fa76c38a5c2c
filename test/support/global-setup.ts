import { buildWhenStale } from './compiled-bot';
import { makeTemplates } from './databases';

/** Before jest's workers start: the database templates, and the compiled bot when dist/ is missing or stale. */
export default async function globalSetup(): Promise<void> {
  await Promise.all([makeTemplates(), buildWhenStale()]);
}

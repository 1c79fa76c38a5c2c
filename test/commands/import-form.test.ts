import { failureField } from '../../src/commands/nexus/import-form';
import type { ImportFailure } from '../../src/domain/tracker-import';

/** Which field of the import form a tracker's refusal is shown beside; none for the tracker's own trouble. */
test.each<[ImportFailure, string | null]>([
  [{ problem: 'unauthorized' }, 'token'],
  [{ problem: 'forbidden', permission: 'Browse projects' }, 'token'],
  [{ problem: 'bad-query', message: 'Expecting operator' }, 'query'],
  [{ problem: 'unreachable', url: 'http://127.0.0.1:9', reason: 'ECONNREFUSED' }, 'url'],
  [{ problem: 'tracker-failed', status: 404 }, 'url'],
  [{ problem: 'tracker-failed', status: 503 }, null],
  [{ problem: 'rate-limited' }, null],
])('%o is about %s', (failure, field) => {
  expect(failureField(failure)).toBe(field);
});

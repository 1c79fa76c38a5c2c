import { DateTime } from 'luxon';
import { z } from 'zod';

/** An ISO-8601 instant as trackers write it (`Z`, `+00:00` or Jira's `+0000`), read as a luxon DateTime in UTC. */
export const instant = z.string().transform((text, ctx) => {
  const at = DateTime.fromISO(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'), { setZone: true });
  if (!at.isValid) {
    ctx.addIssue({ code: 'custom', message: `"${text.slice(0, 40)}" is not an ISO-8601 time` });
    return z.NEVER;
  }
  return at.toUTC();
});

/** Epoch milliseconds, as Jira's `timestamp`. */
export const epochMillis = z
  .number()
  .int()
  .positive()
  .transform((ms) => DateTime.fromMillis(ms, { zone: 'utc' }));

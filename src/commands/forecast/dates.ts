import { DateTime } from 'luxon';
import { code } from '../../render/blocks';
import { type Invalid, invalid } from '../command';

/** A calendar date as typed: `YYYY-MM-DD`. */
export function parseDate(text: string): { date: string } | Invalid {
  const date = DateTime.fromISO(text);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !date.isValid)
    return invalid(`${code(text.slice(0, 30))} is not a date; write it as YYYY-MM-DD, like 2027-01-15.`);
  return { date: text };
}

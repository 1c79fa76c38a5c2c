// The fake Jira of the import benchmark in a process of its own, so its work (building thousands of issues' JSON) is
// not counted against the bot or the process sending the load. Prints `{ url, token }` as one line, then serves until
// its stdin closes.
import { DateTime } from 'luxon';
import { type FakeIssue, startFakeJira } from '../support/fake-jira';

/**
 * `count` issues created over 150 days, from 160 to 10 days before `now` (so no change is dated after it), each with `moves` status changes an hour apart from a day
 * after its creation: back and forth between In Progress and To Do, ending Done; one issue in 50 is Parked on the
 * way (a status of no category: held, as a real Jira's unmapped statuses are).
 */
export function benchIssues(now: DateTime, count: number, moves: number): FakeIssue[] {
  const first = now.minus({ days: 160 });
  const spacing = (150 * 86_400_000) / count;
  return Array.from({ length: count }, (_, i) => {
    const created = first.plus({ milliseconds: Math.floor(i * spacing) });
    return {
      id: String(100_000 + i),
      key: `BEN-${i + 1}`,
      summary: `Benchmark issue ${i + 1}`,
      created,
      components: [i % 2 ? 'Alpha' : 'Beta'],
      initial: 'To Do',
      moves: Array.from({ length: moves }, (_, k) => ({
        id: String(10_000_000 + i * moves + k),
        at: created.plus({ days: 1, hours: k }),
        to: k === moves - 1 ? 'Done' : i % 50 === 0 && k === 3 ? 'Parked' : k % 2 ? 'To Do' : 'In Progress',
      })),
    };
  });
}

async function main(): Promise<void> {
  const [count, moves, nowIso] = process.argv.slice(2);
  const issues = benchIssues(DateTime.fromISO(nowIso, { zone: 'utc' }), Number(count), Number(moves));
  const jira = await startFakeJira({ issues });
  process.stdout.write(`${JSON.stringify({ url: jira.url, token: jira.token })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void jira.close().then(() => process.exit(0)));
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });

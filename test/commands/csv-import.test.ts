import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_CSV_BYTES } from '../../src/domain/csv-layout';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const SETUP =
  '/nexus setup --name Shop --teams Alpha,Beta --stages "ready,doing:3,review,done,released" --start doing --finish done --zone Europe/Berlin';

const GOOD = [
  'ID,Link,Name,ready,doing,review,done,released,Teams,Blocked Days,Type',
  'NEX-1,https://jira.example/browse/NEX-1,"Pay, with Apple Pay",2026-02-02,2026-02-03,2026-02-05,2026-02-06,,"Alpha, Beta",0,Story',
  'NEX-2,,Search,2026-02-10,2026-02-11T10:30,,,,Alpha,1,Bug',
  'NEX-3,,Refine,2026-02-20,,,,,,0,Story',
].join('\n');

describeEachDatabase('/nexus import csv in the console', (db) => {
  let h: Harness;
  let dir: string;
  const file = (name: string, content: string | Buffer) => {
    const where = path.join(dir, name);
    writeFileSync(where, content);
    return where;
  };
  const imported = () => db().prisma.event.count({ where: { source: 'import:csv' } });
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'nexus-flow-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run(SETUP);
  });

  test('a dry run says which column maps to what and what would be written, and writes nothing', async () => {
    const reply = await h.run(`/nexus import csv ${file('good.csv', GOOD)}`);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain('Import good.csv · dry run');
    expect(reply.plain).toContain('• ready (D) → stage ready');
    expect(reply.plain).toContain('• Teams (I) → the teams each PBI needs');
    expect(reply.plain).toContain('• Blocked Days (J) is checked, not kept');
    expect(reply.plain).toContain('• left out (attributes Nexus Flow does not keep): Type (K)');
    expect(reply.plain).toContain(
      '3 rows: 3 PBIs to import with 11 changes at their original times (1 finished, 1 in progress, 1 not started).',
    );
    expect(reply.plain).toContain('2 team squares of finished PBIs without a done date: done at the finish.');
    expect(reply.plain).toMatch(/\[Import 3 PBIs\]/);
    expect(reply.plain).toMatch(/as does \/nexus import csv \S+good\.csv --apply [0-9a-f]{10}\./);
    expect(await imported()).toBe(0);
    expect((await h.run('/pbi show NEX-1')).plain).toContain('There is no PBI NEX-1');
  });

  test('--apply with the dry run check writes it: events at their original times, told to the channel, once', async () => {
    const path = file('good.csv', GOOD);
    const check = /--apply ([0-9a-f]{10})/.exec((await h.run(`/nexus import csv ${path}`)).plain)![1];
    const done = await h.run(`/nexus import csv ${path} --apply ${check}`);
    expect(done.visibility).toBe('channel');
    expect(done.plain).toBe(
      '📥 @U_NIT imported 3 PBIs from good.csv with 11 changes at their original times: 1 finished, 1 in progress, 1 not started.',
    );
    expect(await imported()).toBe(11);
    const card = (await h.run('/pbi show NEX-1')).plain;
    expect(card).toContain('Pay, with Apple Pay');
    expect(card).toContain('■ Alpha');
    const board = (await h.run('/flow board')).plain;
    expect(board).toContain('• NEX-2 Search · ☐ Alpha · 20d');
    expect(board).toContain('• NEX-3 Refine');
    // the same file again: every row is there, nothing is written
    const again = await h.run(`/nexus import csv ${path} --apply`);
    expect(again.plain).toBe(
      'Nothing to import: every row of good.csv is already in this Nexus (imported before?), so nothing was written.',
    );
    expect(await imported()).toBe(11);
    expect((await h.run(`/nexus import csv ${path}`)).plain).toContain(
      '3 rows already in the Nexus, left as they are: NEX-1 (line 2), NEX-2 (line 3), NEX-3 (line 4).',
    );
    // /pbi add numbers on after the file's keys, and those of the PBI-<n> kind
    expect((await h.run('/pbi add "Next"')).plain).toContain('added PBI-1');
  });

  test('a row the Nexus already has is skipped, and an apply whose Nexus changed since its dry run writes nothing', async () => {
    const path = file('good.csv', GOOD);
    const check = /--apply ([0-9a-f]{10})/.exec((await h.run(`/nexus import csv ${path}`)).plain)![1];
    await h.run('/pbi add "Already here" --key nex-2');
    const refused = await h.run(`/nexus import csv ${path} --apply ${check}`);
    expect(refused.visibility).toBe('ephemeral');
    expect(refused.plain).toContain(
      'Nothing was written: the Nexus or good.csv changed since the dry run you answered.',
    );
    expect(refused.plain).toContain('1 row already in the Nexus, left as it is: nex-2 (line 3).');
    expect(await imported()).toBe(0);
    const newCheck = /--apply ([0-9a-f]{10})/.exec(refused.plain)![1];
    expect(newCheck).not.toBe(check);
    expect((await h.run(`/nexus import csv ${path} --apply ${newCheck}`)).plain).toContain('imported 2 PBIs');
    expect((await h.run('/pbi show nex-2')).plain).toContain('Already here');
  });

  test('a stage removed between the dry run and the apply: refused with the problem, nothing written', async () => {
    const path = file('good.csv', GOOD);
    const check = /--apply ([0-9a-f]{10})/.exec((await h.run(`/nexus import csv ${path}`)).plain)![1];
    await h.run('/nexus stage remove review');
    const refused = await h.run(`/nexus import csv ${path} --apply ${check}`);
    expect(refused.plain).toContain('Nothing was written: good.csv no longer fits the Nexus.');
    expect(refused.plain).toContain('line 1, column F (review): This Nexus has no stage review.');
    expect(await imported()).toBe(0);
  });

  test('every problem is listed with its line, nothing is written, and no button is offered', async () => {
    const bad = [
      'ID,Link,Name,ready,doing,review,done,released,Teams',
      'NEX-1,,A,2026-02-02,2026-02-01,,,,Alpha',
      'NEX 2,,B,2026-02-02,,,,,',
      'NEX-3,,C,02/02/2026,,,,,Omega',
      'nex-1,,D,2026-02-02,,,,,',
      'NEX-5,,E,2027-01-01,,,,,',
    ].join('\n');
    const reply = await h.run(`/nexus import csv ${file('bad.csv', bad)} --apply`);
    expect(reply.plain).toContain('Nothing was written: bad.csv no longer fits the Nexus.');
    for (const problem of [
      "line 2, column E (doing): The date is before ready's",
      'line 3: The ID NEX 2 is not a PBI key: it has a space.',
      'line 4, column D (ready): 02/02/2026 is not a date: use YYYY-MM-DD or an ISO date-time',
      'line 4: This is not a team of this Nexus: Omega. Teams: Alpha, Beta',
      'line 5: The ID nex-1 is also on line 2 (IDs ignore case): one row per PBI.',
      'line 6, column D (ready): 2027-01-01 has not come yet',
    ])
      expect(reply.plain).toContain(problem);
    expect(reply.plain).toContain('6 problems: nothing can be imported until they are fixed');
    expect(reply.plain).not.toContain('[Import');
    expect(await imported()).toBe(0);
  });

  test.each<[string, string | Buffer, string]>([
    [
      'an Excel file',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xff, 0xfe]),
      'it is not UTF-8 text',
    ],
    [
      'an HTML page',
      '<!DOCTYPE html>\n<html><body>Sign in</body></html>\n',
      'The first column is <!DOCTYPE html>, not ID',
    ],
    ['a quote left open', 'ID,Name,ready\nNEX-1,"Pay,2026-02-02\n', '(line 2): A quoted field is not closed'],
    ['an empty file', '', 'The file is empty'],
    ['a header with no stage', 'ID,Link,Name,Type\nNEX-1,,A,Bug\n', 'No column names a stage of this Nexus'],
  ])('%s is refused and nothing is written', async (_what, content, message) => {
    const reply = await h.run(`/nexus import csv ${file('x.csv', content)} --apply`);
    expect(reply.plain).toContain(message);
    expect(await imported()).toBe(0);
  });

  test(`a file over ${MAX_CSV_BYTES / 1024 / 1024} MiB is refused before it is read; a missing file or path is named`, async () => {
    const big = file('big.csv', Buffer.alloc(MAX_CSV_BYTES + 1, 'a'));
    expect((await h.run(`/nexus import csv ${big}`)).plain).toBe(
      'big.csv is 8.0 MiB; an import takes at most 8.0 MiB. Split it, or leave out old finished items.',
    );
    expect((await h.run('/nexus import csv no/such.csv')).plain).toContain('There is no file no/such.csv');
    expect((await h.run('/nexus import csv')).plain).toContain('Name the CSV file');
    expect((await h.run('/nexus import csv a.csv b.csv')).plain).toContain('Name one file');
    expect((await h.run('/nexus import xml')).plain).toMatch(/is not a form of the command; it takes .*csv/);
  });

  test('only the Nexus Integration Team imports; anyone exports', async () => {
    h.as('U_OTHER');
    expect((await h.run(`/nexus import csv ${file('good.csv', GOOD)}`)).plain).toContain(
      'Only the Nexus Integration Team',
    );
    const exported = await h.run('/flow export csv');
    expect(exported.plain).toBe('Shop · 0 PBIs as CSV: the file follows (/nexus import csv reads it back).');
    expect(exported.file?.content).toBe(
      'ID,Link,Name,ready,doing,review,done,released,Teams,Blocked Days,Blocked,Blocked Since,Discarded\n',
    );
    expect((await h.run('/flow export json')).plain).toContain('Say the format: csv.');
  });
});

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/store/database';
import { startEmbeddedThread } from '../../src/store/embedded-thread';

let root: string;
const dataDir = () => path.join(root, 'pglite');

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'nexus-flow-embedded-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the embedded database, open', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: dataDir() });
  });
  afterAll(() => db.close());

  test('keeps a 32 MB page cache, not the 128 MB that PGlite would hold in memory for good', async () => {
    const [row] = await db.prisma.$queryRaw<{ size: string }[]>`SELECT current_setting('shared_buffers') AS size`;
    expect(row.size).toBe('32MB');
  });

  test("works in a thread of its own: the bot's event loop turns while a query runs", async () => {
    let queryDone = Number.POSITIVE_INFINITY;
    const query = db.prisma.$executeRaw`SELECT pg_sleep(0.5)`.then(() => (queryDone = performance.now()));
    // a timer due 20 ms into the half-second query fires before it ends (in this thread, it fired after)
    const timerFired = await new Promise<number>((resolve) => setTimeout(() => resolve(performance.now()), 20));
    await query;
    expect(timerFired).toBeLessThan(queryDone);
  });
});

test('a folder that is no database fails to open with a clear error, and gives its lock back', async () => {
  const broken = path.join(root, 'broken');
  mkdirSync(broken);
  writeFileSync(path.join(broken, 'PG_VERSION'), 'not a database\n');
  await expect(openDatabase({ dataDir: broken })).rejects.toThrow(
    `the embedded database in ${broken} could not be opened: PGlite failed to initialize properly`,
  );
  expect(existsSync(`${broken}.lock`)).toBe(false);
});

test('when its thread stops, connecting fails at once with why, and it still closes', async () => {
  // opened again after the tests above closed it: what a restart finds
  const thread = await startEmbeddedThread(dataDir(), []);
  const connect = () => new pg.Client({ user: 'postgres', database: 'postgres', ssl: false, stream: thread.connect });
  const client = connect();
  await client.connect();
  expect((await client.query('SELECT count(*)::int AS n FROM "_prisma_migrations"')).rows[0].n).toBeGreaterThan(0);
  await client.end();

  // a startup message PGlite cannot take stops its thread, as any failure of PGlite itself would
  const broken = thread.connect();
  const stopped = new Promise<Error>((resolve) => broken.on('error', resolve));
  broken.connect();
  broken.write(Buffer.from([0, 0, 0, 12, 0, 1, 0, 0, 1, 2, 3, 4]));

  expect((await stopped).message).toMatch(/^the embedded database stopped: /);
  await expect(connect().connect()).rejects.toThrow(/^the embedded database stopped: /);
  await thread.stop();
});

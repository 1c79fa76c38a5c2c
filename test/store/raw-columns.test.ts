import { DateTime } from 'luxon';
import { Prisma } from '../../src/generated/prisma/client';
import { DELIVERY_TABLE, EVENT_TABLE, PBI_TABLE, recordSet, type SqlTable, valuesOf } from '../../src/store/rows';
import { describeEachDatabase } from '../support/setup-db';

/** Each table raw SQL names, with the fields of its Prisma model. */
const TABLES: [SqlTable, Record<string, string>][] = [
  [PBI_TABLE, Prisma.PbiScalarFieldEnum],
  [EVENT_TABLE, Prisma.EventScalarFieldEnum],
  [DELIVERY_TABLE, Prisma.DeliveryScalarFieldEnum],
];

/** How PostgreSQL names each type (information_schema's udt_name). */
const UDT: Record<string, string> = {
  text: 'text',
  'text[]': '_text',
  integer: 'int4',
  bigint: 'int8',
  boolean: 'bool',
  jsonb: 'jsonb',
  timestamp: 'timestamp',
};

test.each(TABLES.map(([table, fields]) => [table.name, table, fields] as const))(
  'raw SQL knows every field of the Prisma model %s, and nothing else',
  (_, table, fields) => {
    expect(Object.keys(table.columns).sort()).toEqual(Object.values(fields).sort());
  },
);

describeEachDatabase('the columns raw SQL names', (db) => {
  test.each(TABLES.map(([table]) => [table.name, table] as const))(
    'are the columns of table %s, with their types',
    async (name, table) => {
      const columns = await db().prisma.$queryRaw<{ column_name: string; udt_name: string }[]>`
        SELECT column_name, udt_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = ${name}`;
      expect(Object.fromEntries(columns.map((c) => [c.column_name, c.udt_name]))).toEqual(
        Object.fromEntries(Object.entries(table.columns).map(([column, type]) => [column, UDT[type]])),
      );
    },
  );

  test('rows given as JSON come back as given, an instant in any offset as that instant', async () => {
    const names = ['key', 'squares', 'startedAt', 'finishedAt', 'stageEnteredAt', 'swarming', 'version'] as const;
    const instant = Date.UTC(2026, 2, 29, 1, 30); // the night Berlin goes to summer time
    const rows = [
      {
        key: 'ED-1',
        squares: [{ team: 'Alpha', state: 'started' }],
        startedAt: new Date(instant),
        finishedAt: DateTime.fromMillis(instant, { zone: 'Europe/Berlin' }),
        stageEnteredAt: '2026-03-29T03:30:00.000+02:00',
        swarming: ['U1', 'U2'],
        version: 3,
      },
      {
        key: 'ED-2',
        squares: [],
        startedAt: null,
        finishedAt: null,
        stageEnteredAt: new Date(0),
        swarming: [],
        version: 0,
      },
    ];
    const read = await db().prisma.$queryRaw<Record<string, unknown>[]>`
      SELECT v.n, ${valuesOf(PBI_TABLE, names)} FROM ${recordSet(PBI_TABLE, names, rows, true)} ORDER BY v.n DESC`;
    expect(read.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([
      {
        n: 2,
        key: 'ED-2',
        squares: [],
        startedAt: null,
        finishedAt: null,
        stageEnteredAt: new Date(0),
        swarming: [],
        version: 0,
      },
      {
        n: 1,
        key: 'ED-1',
        squares: [{ team: 'Alpha', state: 'started' }],
        startedAt: new Date(instant),
        finishedAt: new Date(instant),
        stageEnteredAt: new Date(instant),
        swarming: ['U1', 'U2'],
        version: 3,
      },
    ]);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { renderPng } from '../../src/charts/render-png';
import { runLine } from '../../src/commands';
import { loadDemo } from '../../src/demo/load-demo';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';
import { drawMessages } from './slack-message';

/**
 * `npm run pictures`: the README's pictures, drawn from the demo Nexus by the bot's own renderers, so they show what
 * the bot shows today. The board and the digest as Slack shows them; two charts as Slack uploads them.
 */
export const PICTURES_DIR = path.resolve(__dirname, '../../docs/pictures');

/**
 * The demo Nexus is replayed up to this moment (a Tuesday, digest time), not today: the pictures change only when what
 * the bot draws changes, and a test can tell when they need drawing again.
 */
const PICTURE_DAY = DateTime.fromISO('2026-12-01T09:30:00', { zone: 'Europe/Berlin' });
const CHANNEL = 'demo';

export const PICTURES = ['board.png', 'digest.png', 'aging-chart.png', 'cfd-chart.png'] as const;

/** Draws every picture into `dir`, each named as in PICTURES. */
export async function drawPictures(dir: string): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'nexus-flow-pictures-'));
  const db = await openDatabase({ dataDir });
  try {
    await loadDemo(db, CHANNEL, PICTURE_DAY);
    const ctx = {
      store: openStore(db, 'pictures'),
      now: () => PICTURE_DAY,
      workspaceId: 'local',
      channelId: CHANNEL,
      userId: 'you',
    };
    const ask = async (line: string) => {
      const reply = await runLine(line, ctx);
      if (!reply.blocks.length) throw new Error(`${line} answered nothing`);
      return reply;
    };
    const board = await ask('/flow board');
    const digest = await ask('/flow digest');
    const aging = (await ask('/flow chart aging')).chart;
    const cfd = (await ask('/flow chart cfd')).chart;
    if (!aging || !cfd) throw new Error('/flow chart answered without a chart');
    mkdirSync(dir, { recursive: true });
    const write = (name: (typeof PICTURES)[number], png: Buffer) => writeFileSync(path.join(dir, name), png);
    write(
      'board.png',
      drawMessages([{ message: { blocks: board.blocks, onlyYou: board.visibility === 'ephemeral' } }]),
    );
    write(
      'digest.png',
      drawMessages([
        { title: `#${CHANNEL}`, message: { blocks: digest.blocks } },
        ...(digest.thread ? [{ title: 'Thread', message: { blocks: digest.thread } }] : []),
      ]),
    );
    write('aging-chart.png', await renderPng(aging.spec));
    write('cfd-chart.png', await renderPng(cfd.spec));
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const dir = process.argv[2] ? path.resolve(process.argv[2]) : PICTURES_DIR;
  drawPictures(dir).then(
    () => process.stdout.write(`Drew ${PICTURES.join(', ')} in ${path.relative(process.cwd(), dir) || '.'}\n`),
    (error: unknown) => {
      process.stderr.write(`npm run pictures failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

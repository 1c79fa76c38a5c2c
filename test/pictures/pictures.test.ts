import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PICTURES, PICTURES_DIR } from './pictures';

const ROOT = path.resolve(__dirname, '../..');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Each picture is committed and shown in the README: kept small. */
const MAX_BYTES = 200 * 1024;

function npmRunPictures(dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'pictures', '--', dir], { cwd: ROOT, env: process.env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run pictures', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'nexus-flow-pictures-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('draws every picture of the README as a small PNG, the same as the committed one', async () => {
    const { code, output } = await npmRunPictures(dir);
    expect({ code, output }).toMatchObject({ code: 0 });
    const unfit = PICTURES.flatMap((name) => {
      const drawn = readFileSync(path.join(dir, name));
      if (!drawn.subarray(0, 8).equals(PNG_SIGNATURE)) return [`${name} is not a PNG`];
      return drawn.length < MAX_BYTES ? [] : [`${name} has ${drawn.length} bytes, over ${MAX_BYTES}`];
    });
    expect(unfit).toEqual([]);
    const stale = PICTURES.filter(
      (name) => !readFileSync(path.join(dir, name)).equals(readFileSync(path.join(PICTURES_DIR, name))),
    );
    // the README would show what the bot drew before: run `npm run pictures` and commit docs/pictures
    expect(stale).toEqual([]);
  }, 300_000);

  test('the README shows every picture the script draws, and no other', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const shown = [...readme.matchAll(/docs\/pictures\/([\w.-]+)/g)].map((m) => m[1]);
    expect([...new Set(shown)].sort()).toEqual([...PICTURES].sort());
  });
});

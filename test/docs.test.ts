import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const PAGES = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));
}

test('every relative link and picture in README.md and docs/ reaches a file (and a heading) that exists', () => {
  const broken = PAGES.flatMap((page) => {
    const text = readFileSync(path.join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)|<img src="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
    return targets
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const [file, anchor] = target.split('#');
        const resolved = file ? path.resolve(ROOT, path.dirname(page), file) : path.join(ROOT, page);
        if (!existsSync(resolved)) return true;
        return anchor !== undefined && !anchorsIn(resolved).has(anchor);
      })
      .map((target) => `${page} → ${target}`);
  });
  expect(broken).toEqual([]);
});

test('the README links every page of docs/', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const unlinked = PAGES.filter((page) => page !== 'README.md' && !readme.includes(`](${page})`));
  expect(unlinked).toEqual([]);
});

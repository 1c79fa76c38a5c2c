import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sourceFiles(full);
    return /\.(ts|mjs|js)$/.test(entry.name) ? [full] : [];
  });
}

test('tests and sources read nothing beside the repository (a plain clone has no ../shared)', () => {
  const outside = [...sourceFiles(path.join(root, 'test')), ...sourceFiles(path.join(root, 'src'))]
    .filter((file) => !file.includes(`${path.sep}generated${path.sep}`))
    .filter((file) => /['"`](\.\.\/)+shared\//.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(root, file));
  expect(outside).toEqual([]);
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** Node 20 is what these machines have (end of life April 2026); 22 and 24 are the LTS lines people deploy on. */
const SUPPORTED = ['20.19.0', '22.12.0', '24.0.0'];

type Locked = { engines?: { node?: string } | string[]; optional?: boolean };

describe('Node versions', () => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };

  test('package.json allows Node 20.19 and the LTS lines 22 and 24, and nothing older than Prisma runs on', () => {
    for (const version of SUPPORTED) expect(semver.satisfies(version, pkg.engines.node)).toBe(true);
    expect(semver.satisfies('20.18.0', pkg.engines.node)).toBe(false);
  });

  test('no package npm ci installs asks for a newer Node than the oldest allowed (npm would warn EBADENGINE)', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, Locked> };
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    const demanding = Object.entries(lock.packages)
      .filter(([where, entry]) => where !== '' && !entry.optional)
      .filter(
        ([, entry]) =>
          !Array.isArray(entry.engines) && entry.engines?.node && !semver.satisfies(oldest, entry.engines.node),
      )
      .map(
        ([where, entry]) =>
          `${where.replace(/^.*node_modules\//, '')} wants node ${(entry.engines as { node: string }).node}`,
      );
    expect(demanding).toEqual([]);
  });

  test('the Docker image builds and runs on an LTS line package.json allows', () => {
    const bases = [...read('Dockerfile').matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(bases.length).toBeGreaterThan(0);
    for (const major of bases) {
      expect(major % 2).toBe(0); // odd releases never become LTS
      expect(major).toBeGreaterThanOrEqual(22); // 20 reached its end of life in April 2026
      expect(semver.satisfies(`${major}.12.0`, pkg.engines.node)).toBe(true);
    }
  });
});

import { open } from 'node:fs/promises';
import path from 'node:path';
import type { FileProblem, SharedFile, SharedFiles } from '../commands/shared-files';

/**
 * The console's files: a path, read from `dir` (where the bot was started) unless absolute. Reads at most `maxBytes`
 * and one more, so a file too large is refused without reading it whole.
 */
export function localFiles(dir: string): SharedFiles {
  return {
    async find(ref, maxBytes): Promise<SharedFile | FileProblem> {
      if (ref === null) return { problem: 'file-none-shared', where: 'console' };
      const file = path.resolve(dir, ref);
      const name = path.basename(file);
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(file, 'r');
      } catch {
        return { problem: 'file-not-found', ref, where: 'console' };
      }
      try {
        const { size } = await handle.stat();
        if (!(await handle.stat()).isFile()) return { problem: 'file-not-found', ref, where: 'console' };
        if (size > maxBytes) return { problem: 'file-too-large', name, bytes: size, max: maxBytes, where: 'console' };
        const bytes = new Uint8Array(size);
        await handle.read(bytes, 0, size, 0);
        return { ref, name, bytes };
      } finally {
        await handle.close();
      }
    },
  };
}

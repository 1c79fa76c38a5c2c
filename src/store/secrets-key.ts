import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type SealedBox, sealedBox } from './sealed-box';

/**
 * The box that seals tracker secrets: SECRETS_KEY when set (every replica must share it), otherwise a key made once
 * and kept beside the embedded database, readable by this user only.
 */
export function secretsBox(env: { SECRETS_KEY?: string; DATA_DIR: string }): SealedBox {
  if (env.SECRETS_KEY) return sealedBox(Buffer.from(env.SECRETS_KEY, 'base64'));
  const file = path.join(env.DATA_DIR, 'secrets.key');
  mkdirSync(env.DATA_DIR, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return sealedBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}

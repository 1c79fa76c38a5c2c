import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, type Logger } from '../../src/log';

export type LogLine = { level: number; msg: string; [field: string]: unknown };

/** The app's own logger writing to a file of its own, read back line by line as the JSON pino wrote. */
export type CapturedLog = { log: Logger; text(): string; lines(): LogLine[]; dispose(): void };

export function capturedLog(): CapturedLog {
  const dir = mkdtempSync(path.join(tmpdir(), 'nexus-flow-log-'));
  const file = path.join(dir, 'app.log');
  const log = createLogger('info', file);
  const text = () => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return ''; // nothing written yet
    }
  };
  return {
    log,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

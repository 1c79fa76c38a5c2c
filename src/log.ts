import pino from 'pino';

/**
 * JSON logs, on stderr or appended to `file` (stdout belongs to the console's conversation, and on a terminal stderr
 * would print JSON around its prompt). Token-like fields are never written.
 */
export function createLogger(level: string, file?: string) {
  return pino(
    {
      level,
      redact: {
        paths: ['token', '*.token', 'botToken', 'signingSecret', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    file ? pino.destination({ dest: file, mkdir: true, sync: true }) : pino.destination(2),
  );
}

export type Logger = ReturnType<typeof createLogger>;

import pino from 'pino';

/** JSON logs on stderr (stdout belongs to the console's conversation). Token-like fields are never written. */
export function createLogger(level: string) {
  return pino(
    { level, redact: { paths: ['token', '*.token', 'botToken', 'signingSecret', 'headers.authorization'], censor: '[redacted]' } },
    pino.destination(2),
  );
}

export type Logger = ReturnType<typeof createLogger>;

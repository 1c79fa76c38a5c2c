import { loadConfig } from '../src/config';

describe('configuration from the environment', () => {
  test('with nothing set runs locally on the embedded database', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ mode: 'local', DATA_DIR: './data', PORT: 3000 });
    expect(config.DATABASE_URL).toBeUndefined();
  });
  test('a postgres URL selects PostgreSQL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).DATABASE_URL).toBe('postgresql://u@h/db');
  });
  test.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ SLACK_BOT_TOKEN: 'abc' }, 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-'],
    [{ SLACK_SIGNING_SECRET: '0123456789abcdef' }, 'SLACK_BOT_TOKEN is required'],
  ])('%j is refused naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
  test('the message never repeats a value', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'not-a-token-supersecret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('supersecret') }),
    );
  });
  test('Slack mode with a bot token and signing secret', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: '0123456789abcdef' }).mode).toBe('slack');
  });
});

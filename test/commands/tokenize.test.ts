import fc from 'fast-check';
import { COMMANDS } from '../../src/commands';
import { parseFlags } from '../../src/commands/flags';
import { tokenize } from '../../src/commands/tokenize';

describe('tokenize', () => {
  test.each([
    ['add "Pay with Apple Pay" --teams Alpha,Beta', ['add', 'Pay with Apple Pay', '--teams', 'Alpha,Beta']],
    ["add 'single quoted' x", ['add', 'single quoted', 'x']],
    ['add “curly quotes from Slack” --stage ready', ['add', 'curly quotes from Slack', '--stage', 'ready']],
    ['add ‘curly single’', ['add', 'curly single']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['move PBI-1 "in progress"', ['move', 'PBI-1', 'in progress']],
    ['empty "" word', ['empty', '', 'word']],
  ])('%s', (line, words) => {
    expect(tokenize(line)).toMatchObject({ words });
  });
  test.each([
    // an escaped quote inside quotes is a quote; an escaped backslash a backslash; any other backslash stays
    ['add "Say \\"hi\\" to users"', ['add', 'Say "hi" to users']],
    ["add 'it\\'s' x", ['add', "it's", 'x']],
    ['add "C:\\temp and a\\\\b"', ['add', 'C:\\temp and a\\b']],
    // a quote followed by a letter or digit is an apostrophe, also inside quotes of its kind
    ["add 'Don't panic' now", ['add', "Don't panic", 'now']],
    ['add ‘Don’t panic’', ['add', 'Don’t panic']],
    ["add 'O'Brien's pay'", ['add', "O'Brien's pay"]],
    // curly quotes nest, as Slack types "a "b" c" with smart quotes on
    ['add “Smart “quotes” inside”', ['add', 'Smart “quotes” inside']],
    ['add „Anführungszeichen“ x', ['add', 'Anführungszeichen', 'x']],
    ['add “mixed" x', ['add', 'mixed', 'x']],
    // a quote opens after = , + - inside a word; elsewhere inside a word it is a character
    [
      'setup --name="Shop Nexus" --stages refining,"in progress":6',
      ['setup', '--name=Shop Nexus', '--stages', 'refining,in progress:6'],
    ],
    ['teams PBI-1 +"Team A" -“Team B”', ['teams', 'PBI-1', '+Team A', '-Team B']],
    ['add 12" screen', ['add', '12"', 'screen']],
  ])('%s', (line, words) => {
    expect(tokenize(line)).toMatchObject({ words });
  });
  test('keeps each word as typed, quotes and all, for free text', () => {
    expect(tokenize('add Support  "Apple Pay" “now”')).toEqual({
      words: ['add', 'Support', 'Apple Pay', 'now'],
      raw: ['add', 'Support', '"Apple Pay"', '“now”'],
    });
  });
  test('says where an unclosed quote opened, and how to write a quote inside quotes', () => {
    expect(tokenize('add "never closed')).toEqual({
      invalid: `A quote opened at character 5 is never closed. Inside quotes, write a quote as \\" (or use the other kind: '…"…').`,
    });
    // a quote before a letter does not close: this is one quoted word, then `now`, which /pbi add refuses as unclear
    expect(tokenize('add "Say "hi" now')).toMatchObject({ words: ['add', 'Say "hi', 'now'] });
  });
});

describe('flags', () => {
  test('takes --name value and --name=value, refusing unknown and repeated flags', () => {
    expect(parseFlags(['x', '--teams', 'A', '--stage=ready'], ['teams', 'stage'])).toEqual({
      positional: ['x'],
      flags: { teams: 'A', stage: 'ready' },
    });
    expect(parseFlags(['--colour', 'red'], ['teams'])).toEqual({
      invalid:
        'Unknown flag `--colour`. It takes --teams. A word that starts with `--` goes after a bare `--`, which ends the flags.',
    });
    expect(parseFlags(['--teams', 'A', '--teams', 'B'], ['teams'])).toEqual({
      invalid: '`--teams` is given twice.',
    });
    expect(parseFlags(['--teams'], ['teams'])).toEqual({ invalid: '`--teams` needs a value.' });
  });
  test('a bare -- ends the flags: every later word is positional', () => {
    expect(parseFlags(['--teams', 'A', '--', '--teams', 'x', '--'], ['teams'])).toEqual({
      positional: ['--teams', 'x', '--'],
      flags: { teams: 'A' },
    });
    expect(parseFlags(['x', '--'], ['teams'])).toEqual({ positional: ['x'], flags: {} });
  });
});

describe('the parser never throws on any input (property)', () => {
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc
      .array(
        fc.constantFrom(
          '"',
          '“',
          "'",
          '--teams',
          '--stage=',
          '+',
          '-',
          ' ',
          'PBI-1',
          ',',
          ':',
          '=',
          '\n',
          '\u0000',
          '<!channel>',
        ),
      )
      .map((a) => a.join('')),
  );
  test('tokenize', () => {
    fc.assert(
      fc.property(text, (line) => {
        tokenize(line);
      }),
      { numRuns: 2000 },
    );
  });
  test.each(COMMANDS.map((c) => [c.path.join(' '), c] as const))('/%s parse', (_name, command) => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), (words) => {
        const result = command.parse(words);
        expect(typeof result).toBe('object');
      }),
      { numRuns: 500 },
    );
  });
});

test('an apostrophe inside a word is just a character', () => {
  expect(tokenize("block PBI-1 waiting for the customer's API")).toEqual({
    words: ['block', 'PBI-1', 'waiting', 'for', 'the', "customer's", 'API'],
    raw: ['block', 'PBI-1', 'waiting', 'for', 'the', "customer's", 'API'],
  });
});

import { MAX_KEY } from '../../src/domain/limits';
import { explainKeyFault, isPbiKey, pbiKeyFault } from '../../src/domain/pbi-key';
import { itemKey } from '../support/tracker-payloads';

describe('one rule for what a PBI key is', () => {
  test.each([
    'PBI-7',
    'pbi-7',
    'NEX-123',
    'acme/shop#45',
    'AB#7',
    'ENG-12',
    'group/sub.group/project_1#9',
    'I_kwDOCG5vGM5La0aB',
    '2026-Q1',
    `${'k'.repeat(MAX_KEY - 2)}-1`,
  ])('%s is a key', (key) => {
    expect(pbiKeyFault(key)).toBeNull();
  });

  test('every tracker names its items with keys', () => {
    for (const kind of ['jira', 'github', 'azure', 'linear', 'gitlab', 'generic'] as const)
      expect(isPbiKey(itemKey(kind, 4294967295))).toBe(true);
  });

  test.each([
    ['', 'it is empty'],
    ['my item', 'it has a space'],
    ['tab\there', 'it has a space'],
    ['a<b', 'it has [<]'],
    ['<!channel>', 'it has [<]'],
    ['x>y', 'it has [>]'],
    ['Tom&Jerry', 'it has [&]'],
    ['say"hi', 'it has ["]'],
    ['né-1', 'it has [é]'],
    ['🚀-1', 'it has [🚀]'],
    ['-3', 'it starts with [-]'],
    ['#12', 'it starts with [#]'],
    ['42', 'it is a number'],
    ['3.5', 'it is a number'],
    ['1e3', 'it is a number'],
    ['k'.repeat(MAX_KEY + 1), `it is longer than ${MAX_KEY} characters`],
  ])('%j is not a key: %s', (key, fault) => {
    const found = pbiKeyFault(key);
    expect(found).not.toBeNull();
    const said = explainKeyFault(found!, (text) => `[${text}]`);
    expect(said.startsWith(fault)).toBe(true);
    expect(said).toContain('. A key is one word of letters, digits and [-_.#/] (at most 160 characters)');
  });
});

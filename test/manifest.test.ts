import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import manifest from '../manifest.json';
import { SLASH_COMMANDS } from '../src/commands';
import { BOT_SCOPES } from '../src/slack/app';

const schemaPath = path.resolve(__dirname, 'fixtures/slack/manifest.schema.1.0.0.json');

test("manifest.json is valid against Slack's published manifest schema", () => {
  // strict: false because the schema uses a non-standard `regex` keyword
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  expect(validate(manifest) ? [] : validate.errors).toEqual([]);
  expect(validate({ ...manifest, features: { ...manifest.features, slash_commands: [{ command: 'no-slash' }] } })).toBe(
    false,
  );
});

test('the manifest registers exactly the slash commands the app answers', () => {
  expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual([...SLASH_COMMANDS].sort());
});

test('the manifest asks for exactly the scopes the OAuth install requests', () => {
  expect(manifest.oauth_config.scopes.bot).toEqual(BOT_SCOPES);
});

test('/nexus mentions arrive as user ids (should_escape), so NIT changes work', () => {
  expect(manifest.features.slash_commands.find((c) => c.command === '/nexus')?.should_escape).toBe(true);
});

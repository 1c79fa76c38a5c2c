import manifest from '../manifest.json';
import { SLASH_COMMANDS } from '../src/commands';

test('the manifest registers exactly the slash commands the app answers', () => {
  expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual([...SLASH_COMMANDS].sort());
});

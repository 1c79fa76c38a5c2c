import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);

/** Libraries the domain may use: pure computation, no I/O (dates; ranks between ranks). */
const PURE_LIBRARIES = ['luxon', 'fractional-indexing'];

test('the domain does no I/O: it imports only pure libraries and other domain files', () => {
  const offenders = filesUnder(path.join(SRC, 'domain')).flatMap((file) =>
    importsOf(file)
      .filter(
        (i) =>
          !(
            PURE_LIBRARIES.includes(i) ||
            (i.startsWith('.') && path.resolve(path.dirname(file), i).startsWith(path.join(SRC, 'domain')))
          ),
      )
      .map((i) => `${path.relative(SRC, file)} imports ${i}`),
  );
  expect(offenders).toEqual([]); // keep src/domain pure so every metric can be tested with a fixed clock and seed
});

test('the domain never reads the clock, randomness or the environment itself', () => {
  const offenders = filesUnder(path.join(SRC, 'domain')).filter((file) =>
    /DateTime\.now\(|DateTime\.local\(\)|Math\.random|process\.env|new Date\(\)/.test(readFileSync(file, 'utf8')),
  );
  expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]); // time and rng are passed in
});

test('only the store imports Prisma', () => {
  const offenders = filesUnder(SRC)
    .filter((f) => !f.includes(`${path.sep}store${path.sep}`) && !f.includes(`${path.sep}generated${path.sep}`))
    .filter((f) => importsOf(f).some((i) => i.includes('generated/prisma') || i.startsWith('@prisma/')));
  expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]);
});

test('only main.ts touches the environment, handing it to loadConfig', () => {
  const offenders = filesUnder(SRC).filter(
    (f) => !f.includes('generated') && /process\.env/.test(readFileSync(f, 'utf8')),
  );
  expect(offenders.map((f) => path.relative(SRC, f))).toEqual(['main.ts']);
});

/** The files a file imports at run time (not `import type`), resolved to paths under src. */
function runtimeImportsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import (?!type )[^;]*?from '(\.[^']+)'/gms)].map((m) => {
    const target = path.resolve(path.dirname(file), m[1]);
    return target.endsWith('.ts') ? target : `${target}.ts`;
  });
}

test('render turns outcomes into replies: it never reaches back into commands or any adapter', () => {
  const allowed = ['render', 'domain', 'charts'].map((d) => path.join(SRC, d) + path.sep);
  const offenders = filesUnder(path.join(SRC, 'render')).flatMap((file) =>
    runtimeImportsOf(file)
      .filter((i) => !allowed.some((a) => i.startsWith(a)))
      .map((i) => `${path.relative(SRC, file)} imports ${path.relative(SRC, i)}`),
  );
  expect(offenders).toEqual([]); // commands call render; a reply that needs the store belongs in execute
});

test('no two source files import each other, however far round the circle', () => {
  const files = filesUnder(SRC).filter((f) => !f.includes(`${path.sep}generated${path.sep}`));
  const imports = new Map(files.map((f) => [f, runtimeImportsOf(f).filter((i) => files.includes(i))]));
  const circles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      circles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(SRC, f)).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of imports.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  expect(circles).toEqual([]); // a circle means one of its files is in the wrong layer
});

test('a unique violation is recognised in one place, store/unique-violation.ts, for every repository', () => {
  const offenders = filesUnder(SRC).filter((f) => !f.includes('generated') && /P2002/.test(readFileSync(f, 'utf8')));
  expect(offenders.map((f) => path.relative(SRC, f))).toEqual([path.join('store', 'unique-violation.ts')]);
});

test('nothing outside the store reaches the Prisma client through the database (db.prisma)', () => {
  const offenders = filesUnder(SRC)
    .filter((f) => !f.includes(`${path.sep}store${path.sep}`) && !f.includes(`${path.sep}generated${path.sep}`))
    .filter((f) => /(?<!schema)\.prisma\b|\{[^}]*\bprisma\b[^}]*\}\s*=/.test(readFileSync(f, 'utf8')));
  // the store's methods (and ping(db) for readiness) are the way in; a query elsewhere skips tenancy and outcomes
  expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]);
});

test('the Slack installation store is made once: by workspaceClients, which slackServer calls once', () => {
  const callsOf = (pattern: RegExp) =>
    filesUnder(SRC)
      .filter((f) => !f.includes(`${path.sep}store${path.sep}`) && !f.includes(`${path.sep}generated${path.sep}`))
      .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(pattern)].map(() => path.relative(SRC, f)));
  // one store for the app's OAuth and the background posts' tokens, not a copy each with its own cache
  expect(callsOf(/(?<!function )\b\w*[iI]nstallationStore\(/g)).toEqual([path.join('slack', 'workspace-client.ts')]);
  expect(callsOf(/(?<!function )\bworkspaceClients\(/g)).toEqual([path.join('slack', 'start.ts')]);
});

/** A sentence a person would read: a quoted capitalised word, a space, more words, then end punctuation. */
const SENTENCE = /['`][A-Z][a-z']+ [^'`\n]*[.!?]['`]/;

/**
 * Failure shapes the store gave up: a caller's `{ refused: string }`, a bare 'duplicate' for a taken channel, a
 * `string | null` whose null meant "no such team".
 */
const REFUSAL_SHAPES =
  /\brefused\??:\s*string|'refused' in\b|return 'duplicate'|Promise<[^\n]*'duplicate'|Promise<string \| null>/;

test('the store words no reply: it answers with outcomes, never with a sentence or a refusal worded by its caller', () => {
  const offenders = filesUnder(path.join(SRC, 'store')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line) && !/new \w*Error\(/.test(line))
      .filter((line) => SENTENCE.test(line) || REFUSAL_SHAPES.test(line))
      .map((line) => `${path.relative(SRC, file)}: ${line.trim()}`),
  );
  // what the person reads is worded in src/render (explain in render/problems.ts); the store hands back outcomes
  // (a problem such as nexus-exists or stage-in-use) or, for a settings change, whatever its caller declined with
  expect(offenders).toEqual([]);
});

/**
 * Parse-time failure shapes given up: the tokenizer's and flags' `{ ok: false; message }` (and the `.ok` checks that
 * read them), and a parse helper answering a bare string (`Stage[] | string`, read with `typeof … === 'string'`).
 */
const PARSE_FAILURE_SHAPES = /\bok\??:\s*(true|false)\b|\.ok\b|typeof \w+ === 'string'|\):\s*[^=>{]*\|\s*string\s*\{/;

test('parse fails one way: with Invalid, which the dispatcher shows above the usage', () => {
  const offenders = [
    ...filesUnder(path.join(SRC, 'commands')),
    ...filesUnder(path.join(SRC, 'slack', 'views')),
  ].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line) && PARSE_FAILURE_SHAPES.test(line))
      .map((line) => `${path.relative(SRC, file)}: ${line.trim()}`),
  );
  // tokenize, parseFlags, parseStages and parseConfidences answer `X | Invalid`, so a caller passes a failure on as
  // it is (`if (isInvalid(parsed)) return parsed`) instead of rewrapping it (`invalid(parsed.message)`)
  expect(offenders).toEqual([]);
});

/**
 * Words a /nexus command's execute used to build for render to pass on: a refusal or a "usage goes with it" flag
 * instead of a coded problem (`{ refused: … }`, `mistake: true`, the `Refused` shape, `refusedFor`), the channel's
 * sentence about a change (`said: …`, `const said = …`) or a setting shown as a sentence (`shown: \`…\``).
 */
const SETTINGS_WORDED =
  /\brefused\??:|'refused' in\b|\bRefused\b|\brefusedFor\b|\bmistake\??:|\bsaid\??\s*[:=]|\bshown\??:\s*[`'"]/;

test('the /nexus commands word no reply in execute: they answer with coded problems and what changed, worded in render', () => {
  const offenders = filesUnder(path.join(SRC, 'commands', 'nexus')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line))
      .filter((line) => SETTINGS_WORDED.test(line))
      .map((line) => `${path.relative(SRC, file)}: ${line.trim()}`),
  );
  // a problem is { problem: '<code>', ...facts }: explain in render/problems words it, and isMistake, not a flag in
  // the data, decides whether the command's form goes with it; a change is what changed (SettingsChanged), and
  // renderSettings in render/settings words what the channel hears
  expect(offenders).toEqual([]);
});

test('an expected failure crosses a throw one way: as ExpectedFailure, a code and data, worded in render', () => {
  const errorClasses = filesUnder(SRC)
    .filter((f) => !f.includes(`${path.sep}generated${path.sep}`))
    .flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/class (\w+)(?:<[^>]*>)? extends \w*Error\b/g)].map(
        (m) => `${path.relative(SRC, f)}: ${m[1]}`,
      ),
    );
  // the store's rolled-back refusals and Slack's unsent answer were three classes (Declined, Refused, AnswerNotShown);
  // ConfigError and DatabaseInUseError stop the process at start, and main.ts prints them for the operator
  expect(errorClasses).toEqual([
    'config.ts: ConfigError',
    `${path.join('domain', 'expected-failure.ts')}: ExpectedFailure`,
    `${path.join('store', 'data-dir-lock.ts')}: DatabaseInUseError`,
  ]);
  const worded = ['app.ts', 'message.ts'].flatMap((name) =>
    readFileSync(path.join(SRC, 'slack', name), 'utf8')
      .split('\n')
      .filter((line) => SENTENCE.test(line))
      .map((line) => `slack/${name}: ${line.trim()}`),
  );
  expect(worded).toEqual([]); // app.error hands the failure's code to apology() in render/apology.ts
});

test('a tracker rejects with a reason one way: a Verdict, never a string whose null means accepted', () => {
  const offenders = filesUnder(path.join(SRC, 'trackers')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /\):\s*string \| null\b/.test(line) && !/\b(header|deliveryId)\(/.test(line))
      .map((line) => `${path.relative(SRC, file)}: ${line.trim()}`),
  );
  // verify and checkSecret answer ACCEPTED or rejected(reason) (trackers/tracker.ts); a `string | null` there is a
  // value that may be missing (a header, a delivery id), not a reason whose absence means "fine"
  expect(offenders).toEqual([]);
});

/** Properties whose string a person reads in Slack: a message's text, a form's title, label or hint, a file's comment. */
const READ_BY_A_PERSON = new Set(['text', 'title', 'label', 'hint', 'placeholder', 'initial_comment']);
/** Calls whose strings are for the operator: log lines and errors (a ConfigError stops the process at start). */
const forTheOperator = (n: ts.Node) =>
  (ts.isCallExpression(n) &&
    ts.isPropertyAccessExpression(n.expression) &&
    /^(trace|debug|info|warn|error|fatal)$/.test(n.expression.name.text)) ||
  (ts.isNewExpression(n) && /Error$/.test(n.expression.getText()));

/**
 * The strings of a file a person would read: a string or template literal with a word and a space in it or ending a
 * sentence ("Why?"), or any string given as a message's `text`, a form's `title`, `label`… Log lines, errors and
 * imports are not read in Slack.
 */
function wordsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || forTheOperator(n)) return;
    const literal = ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n);
    if (!literal) return ts.forEachChild(n, visit);
    const words = ts.isTemplateExpression(n)
      ? [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join('…')
      : n.text;
    let value: ts.Node = n; // the whole value a property is given: `text: a ? 'x' : 'y'`, `text: a ?? 'x'`
    while (ts.isConditionalExpression(value.parent) || ts.isBinaryExpression(value.parent)) value = value.parent;
    const read =
      ts.isPropertyAssignment(value.parent) &&
      value.parent.initializer === value &&
      READ_BY_A_PERSON.has(value.parent.name.getText());
    if (read || /[A-Za-z]{2,}\s|\s[A-Za-z]{2,}|[A-Za-z][.!?]$/.test(words)) {
      const line = source.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      found.push(`${path.relative(SRC, file)}:${line}: ${n.getText(source)}`);
    }
  };
  visit(source);
  return found;
}

test('Slack, the scheduler and the web board word nothing a person reads: replies, forms and pages come from src/render', () => {
  const offenders = ['slack', 'schedule', 'web'].flatMap((dir) => filesUnder(path.join(SRC, dir)).flatMap(wordsOf));
  // a button's refusal, a form and its field errors, a replay, a thread's details: render words them (explain in
  // render/problems.ts, render/setup-form.ts, render/block-form.ts, render/reply.ts, render/apology.ts); the adapter
  // says which problem, which field, which page, and sends
  expect(offenders).toEqual([]);
});

/** The module a relative import names: `../x` → src/…/x.ts, or its folder's index.ts. */
function resolveImport(from: string, spec: string): string {
  const target = path.resolve(path.dirname(from), spec);
  return readdirSync(path.dirname(target)).includes(`${path.basename(target)}.ts`)
    ? `${target}.ts`
    : path.join(target, 'index.ts');
}

/**
 * A file's top-level declarations (functions and consts) and its commands' execute and render steps, each with the
 * declarations of src it names (as `file#name`, through its imports) outside a `parse` member, and whether it builds an
 * Invalid there.
 */
function declarationsOf(file: string) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const memberName = (n: ts.Node) =>
    ts.isMethodDeclaration(n) || ts.isPropertyAssignment(n) ? n.name.getText(source) : null;
  const origins = new Map<string, string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const spec = statement.moduleSpecifier.text;
      const bindings = statement.importClause?.namedBindings;
      if (!spec.startsWith('.') || !bindings || !ts.isNamedImports(bindings)) continue;
      const from = path.relative(SRC, resolveImport(file, spec));
      for (const e of bindings.elements) origins.set(e.name.text, `${from}#${(e.propertyName ?? e.name).text}`);
    }
    if (ts.isFunctionDeclaration(statement) && statement.name)
      origins.set(statement.name.text, `${path.relative(SRC, file)}#${statement.name.text}`);
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations)
        origins.set(d.name.getText(source), `${path.relative(SRC, file)}#${d.name.getText(source)}`);
  }
  /** What the code under `node` (but not under a `parse` member) names, and whether it builds an Invalid. */
  const scan = (node: ts.Node) => {
    const names = new Set<string>();
    let buildsInvalid = false;
    const visit = (n: ts.Node): void => {
      if (memberName(n) === 'parse' || ts.isTypeNode(n)) return;
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'invalid')
        buildsInvalid = true;
      if (memberName(n) === 'invalid' && ts.isObjectLiteralExpression(n.parent)) buildsInvalid = true;
      const named = ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n);
      if (named && origins.has(n.text)) names.add(origins.get(n.text)!);
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(node, visit);
    return { names, buildsInvalid };
  };
  const steps: { name: string; names: Set<string>; buildsInvalid: boolean }[] = [];
  const findSteps = (n: ts.Node): void => {
    const name = memberName(n);
    if (name === 'execute' || name === 'render') steps.push({ name, ...scan(n) });
    else ts.forEachChild(n, findSteps);
  };
  findSteps(source);
  const declarations = source.statements.flatMap((statement) => {
    const named = ts.isFunctionDeclaration(statement)
      ? [{ name: statement.name?.text ?? '', node: statement as ts.Node }]
      : ts.isVariableStatement(statement)
        ? statement.declarationList.declarations.map((d) => ({ name: d.name.getText(source), node: d as ts.Node }))
        : [];
    return named.map(({ name, node }) => ({ key: `${path.relative(SRC, file)}#${name}`, ...scan(node) }));
  });
  return { file: path.relative(SRC, file), declarations, steps };
}

test('only parse builds an Invalid: no execute, render or layer below commands makes or reaches one', () => {
  const files = filesUnder(SRC)
    .filter((f) => !f.includes(`${path.sep}generated${path.sep}`))
    .map(declarationsOf);
  const inCommands = (file: string) => file.startsWith(`commands${path.sep}`);
  const commandDeclarations = files.filter((f) => inCommands(f.file)).flatMap((f) => f.declarations);
  // declarations that build an Invalid outside a command's parse (parseFlags, freeText, …), or name one that does
  const reading = new Set(commandDeclarations.filter((d) => d.buildsInvalid).map((d) => d.key));
  reading.delete(`${path.join('commands', 'command.ts')}#invalid`);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of commandDeclarations)
      if (!reading.has(d.key) && [...d.names].some((n) => reading.has(n))) grew = Boolean(reading.add(d.key));
  }
  const reaches = (s: { names: Set<string>; buildsInvalid: boolean }) =>
    s.buildsInvalid || [...s.names].some((n) => reading.has(n));
  const below = ['render', 'domain', 'store', 'charts', 'trackers', 'schedule'].map((d) => `${d}${path.sep}`);
  const offenders = files.flatMap(({ file, declarations, steps }) => [
    ...steps.filter(reaches).map((s) => `${file}: ${s.name}`),
    ...(below.some((b) => file.startsWith(b)) ? declarations.filter(reaches).map((d) => d.key) : []),
  ]);
  // parse reads the words and says what is wrong with them (shown above the usage); execute answers with data and
  // coded problems, and render words those
  expect(offenders).toEqual([]);
  expect(reading).toContain(`${path.join('commands', 'flags.ts')}#parseFlags`); // the scan sees what it guards
});

/**
 * A problem worded where it is found: `problem: 'refused'` with a `message:` (a sentence) the caller shows as is, and a
 * `mistake:` flag saying whether the usage goes with it.
 */
const WORDED_PROBLEM = /\bproblem\??:\s*'refused'|\bmessage\??:|\bmistake\??:/;

test('the forecast commands word no refusal: a forecast not given is a problem of facts, worded in render', () => {
  const offenders = filesUnder(path.join(SRC, 'commands', 'forecast')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line) && WORDED_PROBLEM.test(line))
      .map((line) => `${path.relative(SRC, file)}: ${line.trim()}`),
  );
  // e.g. { problem: 'date-not-after-today', date, today }: explainForecast in render/forecast.ts says it, and decides
  // there whether it was a mistake in what was typed (then the usage goes with it)
  expect(offenders).toEqual([]);
});

test('a forecast answer is numbers and dates: the forecast commands leave its words to render', () => {
  // accuracy.ts's render step words its replay report, and kept.ts the judged lines the digest shows as well
  const wordsElsewhere = ['accuracy.ts', 'kept.ts'];
  const offenders = filesUnder(path.join(SRC, 'commands', 'forecast'))
    .filter((file) => !wordsElsewhere.includes(path.basename(file)))
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line))
        .filter((line) => /render\/words'/.test(line) || (SENTENCE.test(line) && !/\binvalid\(/.test(line)))
        .map((line) => `${path.relative(SRC, file)}: ${line.trim()}`),
    );
  // execute answers with the dates and counts at each confidence and what they rest on (commands/forecast/answer.ts);
  // wordAnswer in render/forecast-answer.ts makes the title, the lines, the note, the rests-on line and the warnings
  expect(offenders).toEqual([]);
});

/**
 * Slack's published Block Kit and message limits, checked the way Slack checks them: a payload over any of them is
 * refused whole (`invalid_blocks`, `msg_too_long`, `invalid_arguments`) and the person sees nothing. The fake Slack
 * Web API runs every message and view through `payloadError`, so a renderer that outgrows a limit fails its tests here
 * instead of going silent in production. Figures: https://api.slack.com/reference/block-kit (blocks, block elements,
 * composition objects), chat.postMessage ("text … truncated/refused beyond 40,000"), views.* (surfaces).
 */
export const SLACK_LIMITS = {
  messageText: 40_000,
  messageBlocks: 50,
  viewBlocks: 100,
  headerText: 150,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  buttonUrl: 3_000,
  actionId: 255,
  blockId: 255,
  options: 100,
  optionText: 75,
  optionValue: 150,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  privateMetadata: 3_000,
  callbackId: 255,
  inputLabel: 2_000,
  inputHint: 2_000,
  placeholder: 150,
} as const;

type Json = Record<string, any>;
const L = SLACK_LIMITS;

/** The methods whose payload is a message (`text` + `blocks`); respond() to a response_url is one too. */
const MESSAGE_METHODS = new Set([
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'chat.scheduleMessage',
  'respond',
]);
const VIEW_METHODS = new Set(['views.open', 'views.push', 'views.update', 'views.publish']);

/** Slack's error for this call's payload, or null when Slack would take it; `detail` says which limit, for the test's failure. */
export function payloadError(method: string, body: Json): { error: string; detail: string } | null {
  if (MESSAGE_METHODS.has(method)) return messageError(body);
  if (VIEW_METHODS.has(method)) return viewError(body.view);
  if (method === 'chat.unfurl') return unfurlError(body.unfurls);
  return null;
}

function messageError(body: Json): { error: string; detail: string } | null {
  const text = typeof body.text === 'string' ? body.text : '';
  if (text.length > L.messageText) return { error: 'msg_too_long', detail: `text of ${text.length} characters` };
  const blocks = asArray(body.blocks);
  if (!text && !blocks?.length && !body.delete_original) return { error: 'no_text', detail: 'neither text nor blocks' };
  if (!blocks) return null;
  const problem = blocksProblem(blocks, L.messageBlocks);
  return problem ? { error: 'invalid_blocks', detail: problem } : null;
}

function viewError(raw: unknown): { error: string; detail: string } | null {
  const view = typeof raw === 'string' ? (JSON.parse(raw) as Json) : (raw as Json | undefined);
  if (!view) return { error: 'invalid_arguments', detail: 'no view' };
  const problem =
    blocksProblem(asArray(view.blocks) ?? [], L.viewBlocks) ??
    textProblem(view.title, L.viewTitle, 'view title') ??
    textProblem(view.submit, L.viewSubmit, 'view submit') ??
    textProblem(view.close, L.viewClose, 'view close') ??
    tooLong(view.private_metadata, L.privateMetadata, 'private_metadata') ??
    tooLong(view.callback_id, L.callbackId, 'callback_id');
  return problem ? { error: 'invalid_arguments', detail: problem } : null;
}

function unfurlError(raw: unknown): { error: string; detail: string } | null {
  const unfurls = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, Json> | undefined;
  for (const [url, unfurl] of Object.entries(unfurls ?? {})) {
    const problem = unfurl.blocks ? blocksProblem(unfurl.blocks, L.messageBlocks) : null;
    if (problem) return { error: 'invalid_unfurls', detail: `${url}: ${problem}` };
  }
  return null;
}

function asArray(raw: unknown): Json[] | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const value = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return Array.isArray(value) ? value : [];
}

/** The first limit the blocks break, or null. Block ids are unique in a surface; action ids within their block. */
function blocksProblem(blocks: Json[], maxBlocks: number): string | null {
  if (blocks.length > maxBlocks) return `${blocks.length} blocks (at most ${maxBlocks})`;
  const blockIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    if (block.block_id !== undefined) {
      if (blockIds.has(block.block_id)) return `block ${i}: duplicate block_id ${block.block_id}`;
      blockIds.add(block.block_id);
    }
    const problem = tooLong(block.block_id, L.blockId, 'block_id') ?? blockProblem(block);
    if (problem) return `block ${i} (${block.type}): ${problem}`;
  }
  return null;
}

function blockProblem(block: Json): string | null {
  switch (block.type) {
    case 'header':
      return textProblem(block.text, L.headerText, 'header text', 'plain_text');
    case 'section':
      return sectionProblem(block);
    case 'context':
      return listProblem(block.elements, L.contextElements, 'context elements', (e) =>
        e.type === 'image' ? null : textProblem(e, L.sectionText, 'context text'),
      );
    case 'actions':
      return elementsProblem(block.elements, L.actionsElements);
    case 'input':
      return (
        textProblem(block.label, L.inputLabel, 'input label', 'plain_text') ??
        textProblem(block.hint, L.inputHint, 'input hint', 'plain_text') ??
        (block.element ? elementProblem(block.element) : 'input without element')
      );
    case 'divider':
    case 'image':
    case 'rich_text':
      return null;
    default:
      return `unknown block type ${String(block.type)}`;
  }
}

function sectionProblem(block: Json): string | null {
  if (!block.text && !block.fields) return 'section with neither text nor fields';
  return (
    (block.text ? textProblem(block.text, L.sectionText, 'section text') : null) ??
    (block.fields
      ? listProblem(block.fields, L.sectionFields, 'section fields', (f) => textProblem(f, L.fieldText, 'field'))
      : null) ??
    (block.accessory ? elementProblem(block.accessory) : null)
  );
}

/** Interactive elements of one block: each valid, their action ids unique within it. */
function elementsProblem(elements: Json[] | undefined, max: number): string | null {
  const listed = listProblem(elements, max, 'actions elements', elementProblem);
  if (listed) return listed;
  const ids = (elements ?? []).map((e) => e.action_id).filter((id) => id !== undefined);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  return duplicate ? `duplicate action_id ${duplicate}` : null;
}

function elementProblem(element: Json): string | null {
  const common =
    tooLong(element.action_id, L.actionId, 'action_id') ??
    textProblem(element.placeholder, L.placeholder, 'placeholder', 'plain_text');
  if (common) return common;
  switch (element.type) {
    case 'button':
      return (
        textProblem(element.text, L.buttonText, 'button text', 'plain_text') ??
        tooLong(element.value, L.buttonValue, 'button value') ??
        tooLong(element.url, L.buttonUrl, 'button url')
      );
    case 'static_select':
    case 'multi_static_select':
    case 'overflow':
    case 'radio_buttons':
    case 'checkboxes':
      return optionsProblem(element);
    default:
      return null;
  }
}

function optionsProblem(element: Json): string | null {
  const groups: Json[] = element.option_groups ?? [{ options: element.options ?? [] }];
  const options = groups.flatMap((g) => g.options ?? []);
  if (element.type === 'overflow' && options.length > 5) return `overflow with ${options.length} options (at most 5)`;
  return listProblem(
    options,
    L.options,
    `${element.type} options`,
    (o) => textProblem(o.text, L.optionText, 'option text') ?? tooLong(o.value, L.optionValue, 'option value'),
  );
}

function listProblem(
  list: Json[] | undefined,
  max: number,
  what: string,
  each: (item: Json) => string | null,
): string | null {
  if (!Array.isArray(list) || list.length === 0) return `no ${what}`;
  if (list.length > max) return `${list.length} ${what} (at most ${max})`;
  for (const [i, item] of list.entries()) {
    const problem = each(item);
    if (problem) return `${what} ${i}: ${problem}`;
  }
  return null;
}

/** A text object: present, of an allowed type, between 1 and `max` characters. */
function textProblem(text: Json | undefined, max: number, what: string, only?: 'plain_text'): string | null {
  if (text === undefined) return null;
  if (!text || typeof text.text !== 'string') return `${what} is not a text object`;
  if (only && text.type !== only) return `${what} must be plain_text`;
  if (text.text.length === 0) return `${what} is empty`;
  return text.text.length > max ? `${what} of ${text.text.length} characters (at most ${max})` : null;
}

function tooLong(value: unknown, max: number, what: string): string | null {
  if (value === undefined || value === null) return null;
  const length = String(value).length;
  return length > max ? `${what} of ${length} characters (at most ${max})` : null;
}

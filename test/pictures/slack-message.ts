import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import type { runLine } from '../../src/commands';
import { type FontMetrics, fontMetrics } from './font-metrics';

/**
 * Draws Block Kit as Slack shows it (its light theme, at about its sizes) to a PNG: the README's pictures of the board
 * and the digest. Only what the bot's messages use: header, section (text, fields, a select beside), context, actions
 * (buttons) and divider; mrkdwn bold, italic, code, links and mentions; emoji as Twemoji (Slack's own are not free to
 * copy). Text is DejaVu, the font the charts are drawn with, so a picture looks the same on every machine.
 */
type Block = Awaited<ReturnType<typeof runLine>>['blocks'][number];
export type Message = { blocks: readonly Block[]; onlyYou?: boolean };

const WIDTH = 760;
const SCALE = 1.5;
const LEFT = 68;
const RIGHT = 24;
const TEXT = 15;
const LINE = 22;

const COLOR = {
  text: '#1d1c1d',
  grey: '#616061',
  link: '#1264a3',
  code: '#c01343',
  codeBg: '#f6f6f6',
  rule: '#dddddd',
  primary: '#007a5a',
  danger: '#e01e5a',
} as const;

const require_ = createRequire(__filename);
const DEJAVU = path.join(path.dirname(require_.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const TWEMOJI = path.dirname(require_.resolve('@twemoji/svg/package.json'));
const FONTS = {
  regular: fontMetrics(path.join(DEJAVU, 'DejaVuSans.ttf')),
  bold: fontMetrics(path.join(DEJAVU, 'DejaVuSans-Bold.ttf')),
  italic: fontMetrics(path.join(DEJAVU, 'DejaVuSans-Oblique.ttf')),
  boldItalic: fontMetrics(path.join(DEJAVU, 'DejaVuSans-BoldOblique.ttf')),
  mono: fontMetrics(path.join(DEJAVU, 'DejaVuSansMono.ttf')),
};

type Style = { bold?: boolean; italic?: boolean; code?: boolean; link?: boolean; color?: string; size?: number };
type Piece = { text: string; style: Style } | { emoji: string; size: number };
type Placed = Piece & { x: number; width: number };

/** The message (and, for the digest, its thread) as a PNG. */
export function drawMessages(parts: readonly { title?: string; message: Message }[]): Buffer {
  const out: string[] = [];
  let y = 16;
  for (const [i, part] of parts.entries()) {
    if (part.title) {
      if (i > 0) {
        out.push(rect(0, y + 8, WIDTH, 1, COLOR.rule));
        y += 20;
      }
      y = textLine(out, [{ text: part.title, style: { bold: true } }], LEFT - 48, y, LINE);
      y += 6;
    }
    y = message(out, part.message, y);
  }
  const height = Math.ceil(y + 12);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}"`,
    ` font-family="DejaVu Sans">`,
    `<rect x="0.5" y="0.5" width="${WIDTH - 1}" height="${height - 1}" rx="8" fill="#ffffff" stroke="${COLOR.rule}"/>`,
    ...out,
    '</svg>',
  ].join('\n');
  const image = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: SCALE },
    font: {
      fontFiles: Object.values(FONTS).map((f) => f.file),
      loadSystemFonts: false,
      defaultFontFamily: 'DejaVu Sans',
    },
  }).render();
  return encodePng(image.width, image.height, image.pixels);
}

function message(out: string[], { blocks, onlyYou }: Message, top: number): number {
  let y = top;
  if (onlyYou)
    y = textLine(out, [{ text: 'Only visible to you', style: { color: COLOR.grey, size: 12 } }], LEFT, y, 18);
  out.push(`<rect x="20" y="${y + 2}" width="36" height="36" rx="6" fill="#2e6f73"/>`);
  out.push(text('NF', 38, y + 25.5, { bold: true, color: '#ffffff', size: 14 }, 'middle'));
  const name = [
    { text: 'Nexus Flow', style: { bold: true } },
    { text: '  ', style: {} },
  ];
  const nameWidth = name.reduce((w, p) => w + widthOf(p), 0);
  out.push(rect(LEFT + nameWidth, y + 5, 30, 14, '#e8e8e8', 3));
  out.push(text('APP', LEFT + nameWidth + 15, y + 15.5, { bold: true, color: COLOR.grey, size: 9 }, 'middle'));
  y = textLine(out, name, LEFT, y, LINE);
  for (const block of blocks) y = drawBlock(out, block, y);
  return y;
}

function drawBlock(out: string[], block: Block, top: number): number {
  const width = WIDTH - LEFT - RIGHT;
  switch (block.type) {
    case 'header':
      return paragraphs(out, block.text.text, { bold: true, size: 18 }, LEFT, top + 4, width, 26, false) + 4;
    case 'section': {
      let y = top + 4;
      const textWidth = block.accessory ? width - 200 : width;
      if (block.accessory) {
        const chosen = block.accessory.initial_option?.text.text ?? block.accessory.placeholder.text;
        out.push(rect(LEFT + width - 184, y, 184, 32, '#ffffff', 4, '#bbbbbb'));
        out.push(text(clipTo(chosen, 150, {}), LEFT + width - 172, y + 21, {}));
        out.push(text('▾', LEFT + width - 22, y + 21, { color: COLOR.grey }));
      }
      if (block.text) y = paragraphs(out, block.text.text, {}, LEFT, y, textWidth, LINE, true);
      const fields = block.fields ?? [];
      for (let i = 0; i < fields.length; i += 2) {
        const column = (textWidth - 16) / 2;
        const rows = fields
          .slice(i, i + 2)
          .map((f, c) => paragraphs(out, f.text, {}, LEFT + c * (column + 16), y, column, LINE, true));
        y = Math.max(...rows) + 4;
      }
      return Math.max(y, block.accessory ? top + 40 : 0) + 4;
    }
    case 'context': {
      const grey = { color: COLOR.grey, size: 12 };
      const pieces = block.elements.flatMap((e, i) => [
        ...(i ? [{ text: '   ', style: grey }] : []),
        ...inline(e.text, grey),
      ]);
      let y = top + 4;
      for (const line of wrap(pieces, width)) y = placeLine(out, line, LEFT, y, 18);
      return y + 4;
    }
    case 'divider':
      out.push(rect(LEFT, top + 10, width, 1, COLOR.rule));
      return top + 21;
    case 'actions': {
      let x = LEFT;
      let y = top + 6;
      for (const button of block.elements) {
        const style = button.style;
        const color = style === 'primary' ? '#ffffff' : style === 'danger' ? COLOR.danger : COLOR.text;
        const label = [...emojiPieces(button.text.text, { bold: true, size: 13, color })];
        const w = label.reduce((sum, p) => sum + widthOf(p), 0) + 24;
        if (x > LEFT && x + w > LEFT + width) {
          x = LEFT;
          y += 36;
        }
        const fill = style === 'primary' ? COLOR.primary : '#ffffff';
        out.push(rect(x, y, w, 28, fill, 4, style === 'primary' ? COLOR.primary : '#bbbbbb'));
        placeLine(out, place(label), x + 12, y + 3, 22);
        x += w + 8;
      }
      return y + 36;
    }
  }
}

/** mrkdwn lines, each wrapped to `width`; a blank line keeps its height. Returns the y below the last line. */
function paragraphs(
  out: string[],
  source: string,
  style: Style,
  x: number,
  top: number,
  width: number,
  lineHeight: number,
  markup: boolean,
): number {
  let y = top;
  for (const line of source.split('\n')) {
    const pieces = markup ? inline(line, style) : [...emojiPieces(line, style)];
    const lines = wrap(pieces, width);
    if (!lines.length) y += lineHeight;
    for (const placed of lines) y = placeLine(out, placed, x, y, lineHeight);
  }
  return y;
}

function textLine(out: string[], pieces: Piece[], x: number, top: number, lineHeight: number): number {
  return placeLine(out, place(pieces), x, top, lineHeight);
}

/** Draws one laid-out line; emoji and code spans sit on the text's baseline. */
function placeLine(out: string[], line: Placed[], x0: number, top: number, lineHeight: number): number {
  const size = Math.max(12, ...line.map((p) => ('text' in p ? (p.style.size ?? TEXT) : 0)));
  const baseline = top + (lineHeight + size * 0.7) / 2;
  for (const piece of line) {
    const x = x0 + piece.x;
    if ('emoji' in piece) {
      const side = piece.size * 1.2;
      out.push(
        `<image x="${x + 1}" y="${baseline - side * 0.85}" width="${side}" height="${side}" href="${piece.emoji}"/>`,
      );
    } else if (piece.style.code) {
      out.push(rect(x, baseline - size * 0.95, piece.width, size * 1.3, COLOR.codeBg, 3, '#e4e4e4'));
      out.push(text(piece.text, x + 3, baseline, piece.style));
    } else out.push(text(piece.text, x, baseline, piece.style));
  }
  return top + lineHeight;
}

/** Greedy wrapping at spaces; a word wider than the line is cut where it must be. */
function wrap(pieces: Piece[], width: number): Placed[][] {
  const words: Piece[][] = [];
  for (const piece of pieces) {
    const parts = 'text' in piece && !piece.style.code ? piece.text.split(/( +)/).filter(Boolean) : [piece];
    for (const part of parts) {
      const p: Piece = typeof part === 'string' ? { text: part, style: (piece as { style: Style }).style } : part;
      const space = 'text' in p && /^ +$/.test(p.text);
      const last = words.at(-1);
      const lastIsSpace = last?.length === 1 && 'text' in last[0] && /^ +$/.test(last[0].text);
      if (space || !last || lastIsSpace) words.push([p]);
      else last.push(p);
    }
  }
  // a word wider than the line (a long URL) may break between any two characters
  const breakable = words.flatMap((word): Piece[][] =>
    word.reduce((sum, p) => sum + widthOf(p), 0) <= width
      ? [word]
      : word.flatMap((p): Piece[][] =>
          'text' in p ? [...p.text].map((char) => [{ text: char, style: p.style }]) : [[p]],
        ),
  );
  const lines: Piece[][] = [];
  let line: Piece[] = [];
  let used = 0;
  for (const word of breakable) {
    const w = word.reduce((sum, p) => sum + widthOf(p), 0);
    const isSpace = word.length === 1 && 'text' in word[0] && /^ +$/.test(word[0].text);
    if (isSpace && !line.length) continue;
    if (!isSpace && line.length && used + w > width) {
      while (line.length && 'text' in line.at(-1)! && /^ +$/.test((line.at(-1) as { text: string }).text)) line.pop();
      lines.push(line);
      line = [];
      used = 0;
    }
    line.push(...word);
    used += w;
  }
  if (line.length) lines.push(line);
  return lines.map(place);
}

/** Pieces side by side from x = 0. */
function place(pieces: Piece[]): Placed[] {
  let x = 0;
  return pieces.map((p) => {
    const width = widthOf(p);
    const placed = { ...p, x, width };
    x += width;
    return placed;
  });
}

function widthOf(piece: Piece): number {
  if ('emoji' in piece) return piece.size * 1.2 + 3;
  const size = piece.style.size ?? TEXT;
  const font = fontOf(piece.style);
  const codeSize = piece.style.code ? size * 0.85 : size;
  const glyphs = [...piece.text].reduce(
    (sum, char) => sum + (font.has(char) ? font : FONTS.regular).width(char, codeSize),
    0,
  );
  return glyphs + (piece.style.code ? 6 : 0);
}

function fontOf(style: Style): FontMetrics {
  if (style.code) return FONTS.mono;
  if (style.bold) return style.italic ? FONTS.boldItalic : FONTS.bold;
  return style.italic ? FONTS.italic : FONTS.regular;
}

const MARKUP = new RegExp(
  [
    '`([^`\\n]+)`', // code
    '<([^>|]+)(?:\\|([^>]+))?>', // a link, a mention
    '(^|[\\s(])\\*([^*\\n]+)\\*(?=[\\s).,:;!?]|$)', // bold
    '(^|[\\s(])_([^_\\n]+)_(?=[\\s).,:;!?]|$)', // italic
  ].join('|'),
);

/** mrkdwn → styled pieces: `code`, <url|label>, <@user>, <!here>, *bold*, _italic_ (nested), entities decoded. */
function inline(source: string, style: Style): Piece[] {
  const found = MARKUP.exec(source);
  if (!found) return [...emojiPieces(decode(source), style)];
  const [whole, code, target, label, beforeBold, bold, beforeItalic, italic] = found;
  const before = source.slice(0, found.index) + (beforeBold ?? beforeItalic ?? '');
  const after = source.slice(found.index + whole.length);
  let middle: Piece[];
  if (code !== undefined) middle = [{ text: decode(code), style: { ...style, code: true } }];
  else if (target !== undefined) {
    const shown = label ?? (target.startsWith('@') ? `@${target.slice(1)}` : target.replace(/^!/, '@'));
    middle = [...emojiPieces(decode(shown), { ...style, link: true })];
  } else if (bold !== undefined) middle = inline(bold, { ...style, bold: true });
  else middle = inline(italic, { ...style, italic: true });
  return [...inline(before, style), ...middle, ...inline(after, style)].filter((p) => !('text' in p) || p.text);
}

function decode(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Text with each pictograph that Twemoji draws split out as an image. */
function* emojiPieces(text: string, style: Style): Generator<Piece> {
  let rest = 0;
  for (const match of text.matchAll(/\p{Extended_Pictographic}\uFE0F?(?:\u200D\p{Extended_Pictographic}\uFE0F?)*/gu)) {
    const file = emojiFile(match[0]);
    if (!file) continue;
    if (match.index > rest) yield { text: text.slice(rest, match.index), style };
    yield { emoji: file, size: style.size ?? TEXT };
    rest = match.index + match[0].length;
  }
  if (rest < text.length) yield { text: text.slice(rest), style };
}

const emojiCache = new Map<string, string | null>();
function emojiFile(char: string): string | null {
  if (!emojiCache.has(char)) {
    const points = [...char].map((c) => c.codePointAt(0)!);
    const name = (points.includes(0x200d) ? points : points.filter((p) => p !== 0xfe0f)).map((p) => p.toString(16));
    const file = path.join(TWEMOJI, `${name.join('-')}.svg`);
    emojiCache.set(
      char,
      existsSync(file) ? `data:image/svg+xml;base64,${readFileSync(file).toString('base64')}` : null,
    );
  }
  return emojiCache.get(char)!;
}

function clipTo(value: string, width: number, style: Style): string {
  let shown = value;
  while (shown.length > 1 && widthOf({ text: shown, style }) > width) shown = shown.slice(0, -2) + '…';
  return shown;
}

/**
 * Text placed character by character where the widths say (resvg would otherwise kern pairs such as "Ye" and leave a
 * gap before the next piece); `middle` centres a short label on x instead.
 */
function text(value: string, x: number, y: number, style: Style, anchor?: 'middle'): string {
  const size = style.code ? (style.size ?? TEXT) * 0.85 : (style.size ?? TEXT);
  const font = fontOf(style);
  let at = x;
  const xs = anchor
    ? x.toFixed(1)
    : [...value]
        .map((char) => {
          const here = at;
          at += (font.has(char) ? font : FONTS.regular).width(char, size);
          return here.toFixed(2);
        })
        .join(' ');
  const attrs = [
    `x="${xs}"`,
    `y="${y.toFixed(1)}"`,
    `font-size="${size}"`,
    `fill="${style.color ?? (style.code ? COLOR.code : style.link ? COLOR.link : COLOR.text)}"`,
    style.code ? 'font-family="DejaVu Sans Mono"' : '',
    style.bold ? 'font-weight="bold"' : '',
    style.italic ? 'font-style="italic"' : '',
    anchor ? `text-anchor="${anchor}"` : '',
  ];
  return `<text ${attrs.filter(Boolean).join(' ')} xml:space="preserve">${xml(value)}</text>`;
}

function rect(x: number, y: number, w: number, h: number, fill: string, r = 0, stroke?: string): string {
  const box = `x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}"`;
  return `<rect ${box} rx="${r}" fill="${fill}"${stroke ? ` stroke="${stroke}"` : ''}/>`;
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An indexed PNG (a palette of at most 256 colours, zlib level 9), under half the size of resvg's RGBA one: the
 * pictures are committed. Text on a few flat colours needs about 250 colours; when a picture has more, each rare
 * colour is drawn as the nearest of the 256 most frequent (anti-aliased edges of emoji and buttons, unseen).
 */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const rgbAt = (i: number) => (rgba[i] << 16) | (rgba[i + 1] << 8) | rgba[i + 2];
  const counts = new Map<number, number>();
  for (let i = 0; i < rgba.length; i += 4) counts.set(rgbAt(i), (counts.get(rgbAt(i)) ?? 0) + 1);
  const palette = [...counts]
    .sort(([a, n], [b, m]) => m - n || a - b)
    .slice(0, 256)
    .map(([rgb]) => rgb);
  const index = new Map(palette.map((rgb, i) => [rgb, i]));
  const channels = (rgb: number) => [rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff];
  for (const rgb of counts.keys()) {
    if (index.has(rgb)) continue;
    const [r, g, b] = channels(rgb);
    const distance = (p: number) => {
      const [pr, pg, pb] = channels(p);
      return (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2;
    };
    index.set(rgb, index.get(palette.reduce((best, p) => (distance(p) < distance(best) ? p : best)))!);
  }
  const rows = Buffer.alloc((width + 1) * height); // each row: filter 0 (none), then one palette index a pixel
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = index.get(rgbAt((y * width + x) * 4))!;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', Buffer.from(palette.flatMap(channels))),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

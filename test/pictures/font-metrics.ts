import { readFileSync } from 'node:fs';

/**
 * How wide text is in a TrueType font, read from its own tables (cmap: character → glyph; hmtx: glyph → advance), so
 * a picture can wrap lines where resvg will draw them (the picture places each character at the sum of the advances
 * before it, so kerning can't move text away from where it was measured).
 */
export type FontMetrics = { file: string; width(text: string, size: number): number; has(char: string): boolean };

export function fontMetrics(file: string): FontMetrics {
  const font = readFileSync(file);
  const tables = new Map<string, number>();
  for (let i = 0, n = font.readUInt16BE(4); i < n; i++)
    tables.set(font.toString('latin1', 12 + i * 16, 16 + i * 16), font.readUInt32BE(20 + i * 16));
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`${file} has no ${tag} table`);
    return offset;
  };
  const unitsPerEm = font.readUInt16BE(table('head') + 18);
  const longMetrics = font.readUInt16BE(table('hhea') + 34);
  const hmtx = table('hmtx');
  const glyphOf = characterMap(font, table('cmap'));
  const advance = (glyph: number) => font.readUInt16BE(hmtx + 4 * Math.min(glyph, longMetrics - 1));
  const missing = advance(0);
  return {
    file,
    has: (char) => glyphOf(char.codePointAt(0)!) !== 0,
    width(text, size) {
      let units = 0;
      for (const char of text) {
        const glyph = glyphOf(char.codePointAt(0)!);
        units += glyph ? advance(glyph) : missing;
      }
      return (units * size) / unitsPerEm;
    },
  };
}

/** The Unicode subtable of a cmap: format 12 (every plane) when the font has one, else format 4 (the BMP). */
function characterMap(font: Buffer, cmap: number): (codePoint: number) => number {
  const subtables = Array.from({ length: font.readUInt16BE(cmap + 2) }, (_, i) => {
    const at = cmap + 4 + i * 8;
    const offset = cmap + font.readUInt32BE(at + 4);
    return { platform: font.readUInt16BE(at), encoding: font.readUInt16BE(at + 2), offset };
  }).filter((s) => s.platform === 0 || (s.platform === 3 && (s.encoding === 1 || s.encoding === 10)));
  const full = subtables.find((s) => font.readUInt16BE(s.offset) === 12);
  if (full) {
    const groups = font.readUInt32BE(full.offset + 12);
    return (codePoint) => {
      for (let g = 0; g < groups; g++) {
        const at = full.offset + 16 + g * 12;
        const start = font.readUInt32BE(at);
        if (codePoint >= start && codePoint <= font.readUInt32BE(at + 4))
          return font.readUInt32BE(at + 8) + codePoint - start;
      }
      return 0;
    };
  }
  const bmp = subtables.find((s) => font.readUInt16BE(s.offset) === 4);
  if (!bmp) throw new Error('the font has no Unicode character map');
  const segments = font.readUInt16BE(bmp.offset + 6) / 2;
  const ends = bmp.offset + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const ranges = deltas + segments * 2;
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    for (let s = 0; s < segments; s++) {
      if (codePoint > font.readUInt16BE(ends + s * 2)) continue;
      const start = font.readUInt16BE(starts + s * 2);
      if (codePoint < start) return 0;
      const delta = font.readInt16BE(deltas + s * 2);
      const rangeOffset = font.readUInt16BE(ranges + s * 2);
      if (!rangeOffset) return (codePoint + delta) & 0xffff;
      const glyph = font.readUInt16BE(ranges + s * 2 + rangeOffset + (codePoint - start) * 2);
      return glyph ? (glyph + delta) & 0xffff : 0;
    }
    return 0;
  };
}

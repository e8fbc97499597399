// Width fitting for the panel and report: string-width measures what a terminal shows (wide
// CJK, emoji, colour codes of width 0) and cli-truncate cuts coloured text without breaking
// its escape sequences. Hand-written `.length`/`.slice` would get both wrong.
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

// string-width segments graphemes (tens of µs for a coloured line); the panel redraws mostly
// the same lines several times a second, so widths are remembered. Bounded: cleared when full.
const WIDTH_MEMORY = 512;
const widths = new Map<string, number>();

export const widthOf = (text: string): number => {
  let width = widths.get(text);
  if (width === undefined) {
    if (widths.size >= WIDTH_MEMORY) widths.clear();
    width = stringWidth(text);
    widths.set(text, width);
  }
  return width;
};

/** `text` cut to at most `columns` cells, with `…` where it was cut. */
export const fit = (text: string, columns: number, position: 'end' | 'middle' | 'start' = 'end'): string =>
  columns <= 0 ? '' : widthOf(text) <= columns ? text : cliTruncate(text, columns, { position });

/** `text` padded with spaces to exactly `columns` cells (cut first if longer). */
export const padTo = (text: string, columns: number, align: 'left' | 'right' = 'left'): string => {
  const cut = fit(text, columns, 'middle');
  const pad = ' '.repeat(Math.max(0, columns - widthOf(cut)));
  return align === 'left' ? cut + pad : pad + cut;
};

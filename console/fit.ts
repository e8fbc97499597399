// Width fitting for the panel and report: string-width measures what a terminal shows (wide
// CJK, emoji, colour codes of width 0) and cli-truncate cuts coloured text without breaking
// its escape sequences. Hand-written `.length`/`.slice` would get both wrong.
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

export const widthOf = (text: string): number => stringWidth(text);

/** `text` cut to at most `columns` cells, with `…` where it was cut. */
export const fit = (text: string, columns: number, position: 'end' | 'middle' | 'start' = 'end'): string =>
  columns <= 0 ? '' : cliTruncate(text, columns, { position });

/** `text` padded with spaces to exactly `columns` cells (cut first if longer). */
export const padTo = (text: string, columns: number, align: 'left' | 'right' = 'left'): string => {
  const cut = fit(text, columns, 'middle');
  const pad = ' '.repeat(Math.max(0, columns - widthOf(cut)));
  return align === 'left' ? cut + pad : pad + cut;
};

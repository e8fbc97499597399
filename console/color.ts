// Whether to colour, decided once per stream, and the palette that follows from it.
import picocolors from 'picocolors';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ColorInputs {
  /** `--color` (true) / `--no-color` (false); undefined when neither was given. */
  readonly flag: boolean | undefined;
  readonly env: Env;
  /** Whether the stream is a terminal. */
  readonly isTTY: boolean;
}

/**
 * The usual precedence: the command-line flag, then `NO_COLOR` (no-color.org: present and not
 * empty, whatever its value), then `FORCE_COLOR` (`0`/`false` force it off, any other value on,
 * as Node and supports-color read it), then a terminal that is not `TERM=dumb`.
 */
export const decideColor = ({ flag, env, isTTY }: ColorInputs): boolean => {
  if (flag !== undefined) return flag;
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY && env['TERM'] !== 'dumb';
};

/** Whether the live panel can be drawn: cursor movement needs a real, capable terminal. */
export const canDrawLive = (isTTY: boolean, env: Env): boolean => isTTY && env['TERM'] !== 'dumb';

export type Palette = ReturnType<typeof picocolors.createColors>;

/** Colour functions that are the identity when colour is off, so callers never branch. */
export const palette = (color: boolean): Palette => picocolors.createColors(color);

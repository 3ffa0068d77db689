/**
 * Text styles of the interactive session (SGR escapes). With colour off (`NO_COLOR`,
 * `--color never`) every style is the identity, so layout stays the same and no escape but
 * cursor movement reaches the terminal.
 *
 * @module
 */

/** A style function. */
export type Paint = (s: string) => string;

/** The styles the session uses. */
export interface Style {
  enabled: boolean;
  bold: Paint;
  dim: Paint;
  italic: Paint;
  underline: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  magenta: Paint;
  cyan: Paint;
  gray: Paint;
}

const sgr = (open: number, close: number): Paint => (s) =>
  s === "" ? s : `\x1b[${open}m${s}\x1b[${close}m`;

/** Styles; identity functions when `enabled` is false. */
export function makeStyle(enabled: boolean): Style {
  if (!enabled) {
    const id: Paint = (s) => s;
    return {
      enabled,
      bold: id,
      dim: id,
      italic: id,
      underline: id,
      red: id,
      green: id,
      yellow: id,
      blue: id,
      magenta: id,
      cyan: id,
      gray: id,
    };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    italic: sgr(3, 23),
    underline: sgr(4, 24),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    magenta: sgr(35, 39),
    cyan: sgr(36, 39),
    gray: sgr(90, 39),
  };
}

/**
 * A tiny terminal emulator: enough of VT100/xterm (printing with auto-wrap, CR/LF, cursor
 * moves, erase in line/display, scrolling into a scrollback) to replay what the session wrote
 * and see the screen a person would see. Styles, modes and titles are ignored.
 *
 * @module
 */

import { codePointWidth } from "./width.ts";

/** Replays terminal output into a grid of cells plus scrollback. */
export class VirtualTerminal {
  readonly columns: number;
  readonly rows: number;
  /** Lines scrolled off the top. */
  readonly scrollback: string[] = [];
  #grid: string[][];
  #row = 0;
  #col = 0;
  #pendingWrap = false;
  #rest = "";

  constructor(columns = 80, rows = 24) {
    this.columns = columns;
    this.rows = rows;
    this.#grid = Array.from({ length: rows }, () => this.#blank());
  }

  #blank(): string[] {
    return Array.from({ length: this.columns }, () => " ");
  }

  #lineFeed(): void {
    if (this.#row === this.rows - 1) {
      this.scrollback.push(this.#grid.shift()!.join("").trimEnd());
      this.#grid.push(this.#blank());
    } else {
      this.#row++;
    }
  }

  #put(ch: string, width: number): void {
    if (width === 0) return;
    if (this.#pendingWrap || this.#col + width > this.columns) {
      this.#col = 0;
      this.#lineFeed();
      this.#pendingWrap = false;
    }
    this.#grid[this.#row][this.#col] = ch;
    if (width === 2 && this.#col + 1 < this.columns) this.#grid[this.#row][this.#col + 1] = "";
    this.#col += width;
    if (this.#col >= this.columns) {
      this.#col = this.columns - 1;
      this.#pendingWrap = true;
    }
  }

  /** Feeds output text. */
  write(text: string): void {
    const s = this.#rest + text;
    this.#rest = "";
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === "\x1b") {
        // deno-lint-ignore no-control-regex
        const m = s.slice(i).match(/^\x1b\[([0-9;?<>=]*)([ -/]*)([@-~])/);
        if (m) {
          this.#csi(m[1], m[3]);
          i += m[0].length;
          continue;
        }
        // deno-lint-ignore no-control-regex
        const osc = s.slice(i).match(/^\x1b\][^\x07\x1b]*(\x07|\x1b\\)/);
        if (osc) {
          i += osc[0].length;
          continue;
        }
        if (i + 1 >= s.length || (s[i + 1] === "[" || s[i + 1] === "]")) {
          this.#rest = s.slice(i);
          return;
        }
        i += 2;
        continue;
      }
      if (c === "\r") {
        this.#col = 0;
        this.#pendingWrap = false;
      } else if (c === "\n") {
        this.#lineFeed();
        this.#pendingWrap = false;
      } else if (c === "\b") {
        this.#col = Math.max(0, this.#col - 1);
        this.#pendingWrap = false;
      } else if (c === "\x07" || c < " ") {
        // bell and other controls: nothing
      } else {
        const cp = s.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        this.#put(ch, codePointWidth(cp));
        i += ch.length;
        continue;
      }
      i++;
    }
  }

  #csi(params: string, final: string): void {
    if (params.startsWith("?") || params.startsWith(">") || params.startsWith("<")) return;
    const n = (k: number, d = 1) => {
      const v = Number(params.split(";")[k] || d);
      return Number.isFinite(v) && v > 0 ? v : d;
    };
    this.#pendingWrap = false;
    switch (final) {
      case "A":
        this.#row = Math.max(0, this.#row - n(0));
        break;
      case "B":
        this.#row = Math.min(this.rows - 1, this.#row + n(0));
        break;
      case "C":
        this.#col = Math.min(this.columns - 1, this.#col + n(0));
        break;
      case "D":
        this.#col = Math.max(0, this.#col - n(0));
        break;
      case "G":
        this.#col = Math.min(this.columns - 1, n(0) - 1);
        break;
      case "H":
        this.#row = Math.min(this.rows - 1, n(0) - 1);
        this.#col = Math.min(this.columns - 1, n(1) - 1);
        break;
      case "J": {
        const mode = Number(params || 0);
        if (mode === 0) {
          for (let c = this.#col; c < this.columns; c++) this.#grid[this.#row][c] = " ";
          for (let r = this.#row + 1; r < this.rows; r++) this.#grid[r] = this.#blank();
        } else if (mode === 2 || mode === 3) {
          this.#grid = Array.from({ length: this.rows }, () => this.#blank());
        }
        break;
      }
      case "K": {
        const mode = Number(params || 0);
        const [from, to] = mode === 0
          ? [this.#col, this.columns]
          : mode === 1
          ? [0, this.#col + 1]
          : [0, this.columns];
        for (let c = from; c < to; c++) this.#grid[this.#row][c] = " ";
        break;
      }
    }
  }

  /** The visible screen rows (trailing spaces trimmed). */
  screen(): string[] {
    return this.#grid.map((r) => r.join("").trimEnd());
  }

  /** Scrollback plus screen, trailing blank rows dropped. */
  all(): string[] {
    const rows = [...this.scrollback, ...this.screen()];
    while (rows.length && rows[rows.length - 1] === "") rows.pop();
    return rows;
  }

  /** The cursor position. */
  get cursor(): { row: number; col: number } {
    return { row: this.#row, col: this.#col };
  }
}

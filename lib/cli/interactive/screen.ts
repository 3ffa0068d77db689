/**
 * The line-oriented screen: finished output is written once into the terminal's scrollback,
 * and a small "live region" at the bottom (streamed partial line, spinner, composer, popups,
 * footer) is erased and redrawn in place. No alternate screen, so the conversation stays in
 * the terminal's history and can be scrolled and copied like any command output.
 *
 * Redraws are coalesced to one per frame (default 16 ms); a change after an idle period is
 * drawn at once, so the first streamed token shows without delay.
 *
 * @module
 */

import { displayWidth, hardWrap } from "./width.ts";

/** Where the screen writes and how big the terminal is. */
export interface ScreenOutput {
  write(text: string): void;
  /** Current terminal size. */
  size(): { columns: number; rows: number };
}

/** The live region as composed at draw time. */
export interface LiveFrame {
  rows: string[];
  /** The terminal cursor: logical row index and display column; hidden when absent. */
  cursor?: { row: number; col: number };
}

/** Options of {@linkcode Screen}. */
export interface ScreenOptions {
  /** Composes the live region (called at draw time only). */
  compose(width: number): LiveFrame;
  /** False when the output is not a terminal: only finished rows are written. */
  live: boolean;
  /** Milliseconds between redraws (default 16). */
  frameMs?: number;
  now?: () => number;
}

const SYNC_START = "\x1b[?2026h";
const SYNC_END = "\x1b[?2026l";
const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";

/** Scrollback writer plus a redrawn live region. */
export class Screen {
  #out: ScreenOutput;
  #opts: ScreenOptions;
  #pending: string[] = [];
  #drawnRows = 0;
  #cursorRow = 0;
  #lastDraw = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #suspended = false;

  constructor(out: ScreenOutput, opts: ScreenOptions) {
    this.#out = out;
    this.#opts = opts;
  }

  /** Terminal width in columns (at least 20). */
  get width(): number {
    return Math.max(20, this.#out.size().columns || 80);
  }

  /** Terminal height in rows (at least 5). */
  get height(): number {
    return Math.max(5, this.#out.size().rows || 24);
  }

  /** Queues finished rows for the scrollback and schedules a redraw. */
  commit(rows: string[]): void {
    if (rows.length === 0) return;
    for (const r of rows) this.#pending.push(r);
    this.schedule();
  }

  /**
   * Schedules a redraw: now when idle for a frame (or `urgent`, e.g. the first token of a
   * message), else at the next frame.
   */
  schedule(urgent = false): void {
    if (this.#closed || this.#suspended) return;
    if (urgent) {
      this.flush();
      return;
    }
    const now = this.#opts.now?.() ?? performance.now();
    const frame = this.#opts.frameMs ?? 16;
    if (now - this.#lastDraw >= frame) {
      this.flush();
      return;
    }
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, Math.max(1, frame - (now - this.#lastDraw)));
    }
  }

  /** Draws now: pending rows into the scrollback, then the live region. */
  flush(): void {
    if (this.#closed || this.#suspended) return;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#lastDraw = this.#opts.now?.() ?? performance.now();
    const width = this.width;
    let s = "";
    if (!this.#opts.live) {
      for (const r of this.#pending) s += r + "\n";
      this.#pending = [];
      if (s) this.#out.write(s);
      return;
    }
    s += SYNC_START + HIDE_CURSOR + this.#eraseLive();
    for (const r of this.#pending) {
      for (const p of hardWrap(r, width)) s += endRow(p) + "\r\n";
    }
    this.#pending = [];
    const frame = this.#opts.compose(width);
    const { rows, cursor } = layout(frame, width, this.height - 1);
    s += rows.join("\r\n");
    const last = rows.length - 1;
    const target = cursor ?? { row: last, col: displayWidth(rows[last] ?? "") };
    const up = last - target.row;
    if (up > 0) s += `\x1b[${up}A`;
    s += "\r";
    if (target.col > 0) s += `\x1b[${target.col}C`;
    this.#drawnRows = rows.length;
    this.#cursorRow = target.row;
    s += (cursor ? SHOW_CURSOR : "") + SYNC_END;
    this.#out.write(s);
  }

  #eraseLive(): string {
    if (this.#drawnRows === 0) return "";
    const up = this.#cursorRow > 0 ? `\x1b[${this.#cursorRow}A` : "";
    this.#drawnRows = 0;
    this.#cursorRow = 0;
    return `\r${up}\x1b[J`;
  }

  /** Erases the live region (before handing the terminal to someone else). */
  suspend(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#opts.live) this.#out.write(this.#eraseLive() + SHOW_CURSOR);
    this.#suspended = true;
  }

  /** Redraws after {@linkcode suspend}. */
  resume(): void {
    this.#suspended = false;
    this.flush();
  }

  /** Writes pending rows, erases the live region and stops drawing. */
  close(): void {
    if (this.#closed) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    let s = "";
    if (this.#opts.live && !this.#suspended) s += this.#eraseLive();
    const width = this.width;
    for (const r of this.#pending) {
      for (const p of this.#opts.live ? hardWrap(r, width) : [r]) {
        s += this.#opts.live ? endRow(p) + "\r\n" : p + "\n";
      }
    }
    this.#pending = [];
    if (this.#opts.live) s += SHOW_CURSOR;
    this.#closed = true;
    if (s) this.#out.write(s);
  }
}

/** Closes any style left open at the end of a row (rows without escapes stay as they are). */
function endRow(row: string): string {
  return row.includes("\x1b[") ? row + "\x1b[0m" : row;
}

/**
 * Wraps the frame's logical rows into physical rows of `width` columns, maps the cursor onto
 * them and keeps at most `maxRows` (dropping from the top: the oldest streamed text).
 */
export function layout(
  frame: LiveFrame,
  width: number,
  maxRows: number,
): { rows: string[]; cursor?: { row: number; col: number } } {
  const rows: string[] = [];
  let cursor: { row: number; col: number } | undefined;
  frame.rows.forEach((logical, i) => {
    const phys = hardWrap(logical, width).map(endRow);
    if (frame.cursor && frame.cursor.row === i) {
      const col = frame.cursor.col;
      const offset = Math.floor(col / width);
      while (phys.length <= offset) phys.push("");
      cursor = { row: rows.length + offset, col: col % width };
    }
    for (const p of phys) rows.push(p);
  });
  if (rows.length === 0) rows.push("");
  const drop = Math.max(0, rows.length - Math.max(1, maxRows));
  if (drop > 0) {
    rows.splice(0, drop);
    if (cursor) cursor = { row: Math.max(0, cursor.row - drop), col: cursor.col };
  }
  return { rows, cursor };
}

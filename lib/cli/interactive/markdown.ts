/**
 * Streaming terminal markdown: the assistant's text is fed as it arrives; every completed
 * source line is rendered once (headings, lists, task boxes, block quotes, rules, tables,
 * fenced code with highlighting, inline code, emphasis, links) and word-wrapped to the
 * terminal width, while the incomplete last line can be previewed at any time.
 *
 * With colour off the markup characters stay (`**bold**`, `` `code` ``, `# Heading`), so the
 * text keeps its emphasis; with colour on they become styles.
 *
 * @module
 */

import { highlightLine, type HighlightState, languageOf } from "./highlight.ts";
import type { Style } from "./style.ts";
import { displayWidth, hardWrap, wordWrap } from "./width.ts";

/** Options of the renderer. */
export interface MarkdownOptions {
  /** Columns available for the text. */
  width: number;
  style: Style;
}

/** A source line this long without a newline is rendered (and committed) anyway. */
const MAX_PARTIAL = 64 * 1024;

interface Fence {
  marker: string;
  lang: string | undefined;
  state: HighlightState;
}

const FENCE_RE = /^(\s{0,3})(`{3,}|~{3,})\s*([^`]*)$/;
const HEADING_RE = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const HR_RE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE_RE = /^\s{0,3}>\s?(.*)$/;
const BULLET_RE = /^(\s*)([-*+])\s+(\[[ xX]\]\s+)?(.*)$/;
const ORDERED_RE = /^(\s*)(\d{1,9})([.)])\s+(.*)$/;
const TABLE_RE = /^\s*\|.*\|\s*$/;
const TABLE_SEP_RE = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Renders inline markup (code spans, emphasis, links) of one line. */
export function renderInline(text: string, style: Style): string {
  if (!style.enabled) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const tick = text.indexOf("`", i);
    if (tick < 0) {
      out += emphasis(text.slice(i), style);
      break;
    }
    out += emphasis(text.slice(i, tick), style);
    let run = 1;
    while (text[tick + run] === "`") run++;
    const fence = "`".repeat(run);
    const close = text.indexOf(fence, tick + run);
    if (close < 0) {
      out += text.slice(tick);
      break;
    }
    out += style.cyan(text.slice(tick + run, close));
    i = close + run;
  }
  return out;
}

function emphasis(text: string, style: Style): string {
  if (!/[*_~[<]/.test(text)) return text;
  return text
    .replace(
      /\[([^\]\n]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g,
      (_m, label: string, url: string) =>
        label === url
          ? style.underline(style.cyan(url))
          : `${style.underline(style.cyan(label))}${style.dim(` (${url})`)}`,
    )
    .replace(/<(https?:\/\/[^>\s]+)>/g, (_m, url: string) => style.underline(style.cyan(url)))
    .replace(/\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*/g, (_m, t: string) => style.bold(style.italic(t)))
    .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, (_m, t: string) => style.bold(t))
    .replace(/(?<![\w_])__(?=\S)(.+?)(?<=\S)__(?![\w_])/g, (_m, t: string) => style.bold(t))
    .replace(
      /(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])/g,
      (_m, t: string) => style.italic(t),
    )
    .replace(/(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])/g, (_m, t: string) => style.italic(t))
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, (_m, t: string) => style.dim(t));
}

/** Streaming markdown renderer for one message. */
export class MarkdownStream {
  #opts: MarkdownOptions;
  #partial = "";
  #fence: Fence | null = null;
  #lastBlank = true;

  constructor(opts: MarkdownOptions) {
    this.#opts = { ...opts };
  }

  /** Columns for lines rendered from now on. */
  set width(w: number) {
    this.#opts.width = Math.max(10, w);
  }

  /** Feeds `delta`; returns the rows of the source lines it completed. */
  push(delta: string): string[] {
    const text = this.#partial + delta;
    const nl = text.lastIndexOf("\n");
    if (nl < 0) {
      this.#partial = text;
      if (text.length > MAX_PARTIAL) {
        this.#partial = "";
        return this.#line(text);
      }
      return [];
    }
    this.#partial = text.slice(nl + 1);
    const rows: string[] = [];
    let start = 0;
    while (start <= nl) {
      const end = text.indexOf("\n", start);
      for (const r of this.#line(text.slice(start, end).replace(/\r$/, ""))) rows.push(r);
      start = end + 1;
    }
    return rows;
  }

  /** Rows showing the incomplete last line as it would render now (state untouched). */
  preview(): string[] {
    if (this.#partial === "") return [];
    const saved = { fence: this.#fence, blank: this.#lastBlank };
    const fenceState = this.#fence ? { ...this.#fence.state } : null;
    const rows = this.#line(this.#partial);
    this.#fence = saved.fence;
    if (this.#fence && fenceState) this.#fence.state = fenceState;
    this.#lastBlank = saved.blank;
    return rows;
  }

  /** Ends the message: renders the rest. */
  end(): string[] {
    const rest = this.#partial;
    this.#partial = "";
    const rows = rest === "" ? [] : this.#line(rest);
    this.#fence = null;
    while (rows.length && rows[rows.length - 1] === "") rows.pop();
    return rows;
  }

  #line(raw: string): string[] {
    const { style, width } = this.#opts;
    const line = raw.replace(/\t/g, "    ");
    if (this.#fence) {
      const close = line.trim();
      if (close.startsWith(this.#fence.marker) && /^[`~]+$/.test(close)) {
        this.#fence = null;
        this.#lastBlank = false;
        return [style.dim(line.trim())];
      }
      this.#lastBlank = false;
      return hardWrap(highlightLine(line, this.#fence.lang, style, this.#fence.state), width);
    }
    if (line.trim() === "") {
      if (this.#lastBlank) return [];
      this.#lastBlank = true;
      return [""];
    }
    this.#lastBlank = false;
    const fence = line.match(FENCE_RE);
    if (fence) {
      this.#fence = {
        marker: fence[2],
        lang: languageOf(fence[3] ?? ""),
        state: { inBlock: false },
      };
      return [style.dim(line.trim())];
    }
    const heading = line.match(HEADING_RE);
    if (heading) {
      const level = heading[1].length;
      const text = renderInline(heading[2], style);
      const shown = style.enabled
        ? level === 1
          ? style.bold(style.underline(text))
          : level === 2
          ? style.bold(text)
          : style.bold(style.italic(text))
        : `${heading[1]} ${heading[2]}`;
      return wordWrap(shown, width);
    }
    if (HR_RE.test(line)) return [style.dim("─".repeat(Math.min(width, 60)))];
    const quote = line.match(QUOTE_RE);
    if (quote) {
      const bar = style.enabled ? style.green("▌ ") : "> ";
      return wordWrap(bar + style.italic(renderInline(quote[1], style)), width, bar);
    }
    const bullet = line.match(BULLET_RE);
    if (bullet) {
      const depth = Math.floor(bullet[1].length / 2);
      const indent = "  ".repeat(depth);
      const mark = style.enabled ? (depth % 2 === 0 ? "•" : "◦") : bullet[2];
      let box = "";
      let text = renderInline(bullet[4], style);
      if (bullet[3]) {
        const done = /x/i.test(bullet[3]);
        box = style.enabled ? (done ? style.green("✔ ") : "☐ ") : bullet[3];
        if (done) text = style.dim(text);
      }
      const head = `${indent}${mark} ${box}`;
      return wordWrap(head + text, width, " ".repeat(displayWidth(head)));
    }
    const ordered = line.match(ORDERED_RE);
    if (ordered) {
      const indent = "  ".repeat(Math.floor(ordered[1].length / 2));
      const head = `${indent}${ordered[2]}${ordered[3]} `;
      return wordWrap(
        head + renderInline(ordered[4], style),
        width,
        " ".repeat(displayWidth(head)),
      );
    }
    if (TABLE_RE.test(line)) {
      if (TABLE_SEP_RE.test(line)) {
        return [style.dim(line.trim().replace(/[^|]/g, "─").replace(/\|/g, "┼"))];
      }
      const cells = line.trim().replace(/^\||\|$/g, "").split("|").map((c) =>
        renderInline(c.trim(), style)
      );
      const sep = style.enabled ? style.dim(" │ ") : " | ";
      return hardWrap(cells.join(sep), width);
    }
    return wordWrap(renderInline(line.trimEnd(), style), width);
  }
}

/** Renders a whole markdown text to rows. */
export function renderMarkdown(text: string, opts: MarkdownOptions): string[] {
  const md = new MarkdownStream(opts);
  const rows = md.push(text);
  rows.push(...md.end());
  return rows;
}

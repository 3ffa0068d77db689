/**
 * The interactive session: a raw-mode terminal loop around a `Thread`. Keys go to the
 * composer (or to a question/approval prompt); Enter sends a turn, or steers the running one;
 * slash commands run locally; agent events stream into the transcript above the live region.
 *
 * The composer is drawn before the thread exists: the configuration and the thread open in
 * the background ({@linkcode SessionBoot}), and anything sent meanwhile waits for them.
 *
 * @module
 */

import type { Thread, TurnInput } from "../../agent/thread.ts";
import type { AgentEvent } from "../../protocol/events.ts";
import type { AnyItem } from "../../protocol/items.ts";
import type { UserInterface } from "../../../tools/define.ts";
import { renderGitDiff } from "./diff_view.ts";
import { LineEditor } from "./editor.ts";
import type { HistoryEntry, PromptHistory } from "./history_file.ts";
import { KeyDecoder, type KeyEvent } from "./keys.ts";
import { ModalHost } from "./modal.ts";
import { type LiveFrame, Screen } from "./screen.ts";
import { completeSlash, findSlash, parseSlash, SLASH_COMMANDS } from "./slash.ts";
import { formatTokens, meterBar, SPINNER_FRAMES, SPINNER_MS, usageSummary } from "./status.ts";
import type { Style } from "./style.ts";
import { ENTER_MODES, LEAVE_MODES, type Terminal } from "./terminal.ts";
import { preview } from "./tool_lines.ts";
import { createTerminalUi } from "./ui.ts";
import { TranscriptView } from "./view.ts";
import { displayWidth, padEnd, truncate, wordWrap } from "./width.ts";
import { VERSION } from "../../version.ts";

/** What the session shows about its configuration. */
export interface SessionSettings {
  /** The workspace (after `--cd`). */
  cwd: string;
  model: string;
  provider: string;
  sandboxMode: string;
  approvalPolicy: string;
  codexHome: string;
  /** `model_context_window` from the config, if set. */
  contextWindow?: number;
  reasoningEffort?: string;
}

/** A model the `/model` picker offers. */
export interface ModelChoice {
  slug: string;
  displayName: string;
  contextWindow: number;
}

/** An open thread and how to close it (its recording included). */
export interface OpenedThread {
  thread: Thread;
  /** Shuts the thread down and closes what records it. */
  close(): Promise<void>;
  /** True when the conversation is saved (it can be resumed later). */
  saved: boolean;
  /** Appends a context item to the history between turns, recorded like any other item. */
  append(item: AnyItem): void;
}

/** A saved session the `/resume` picker offers. */
export interface SavedSession {
  id: string;
  title: string;
  updatedAt: Date;
}

/** What the background start-up delivers. */
export interface SessionBoot {
  settings: SessionSettings;
  history: PromptHistory;
  /** Opens a new thread (at start and for `/new`). */
  openThread(ui: UserInterface): Promise<OpenedThread>;
  /** Where warnings of the session storage go (skipped rollout lines, write failures). */
  onWarning?(fn: (message: string) => void): void;
  /** The first turn (the prompt argument), if any. */
  firstInput?: TurnInput;
  /** Lines to show under the banner (warnings). */
  notes?: string[];
  /** The catalog for `/model`. */
  models(): ModelChoice[];
  /** The developer message announcing a collaboration mode change. */
  modeUpdateItem(mode: string): AnyItem;
  /** Runs `git` in the workspace (for `/diff`); null when git is unavailable. */
  git(args: string[]): Promise<{ code: number; stdout: string } | null>;
  /** Saved sessions for `/resume` (absent: the command says it is not available). */
  sessions?: {
    /** Recent sessions of the workspace, newest first. */
    list(): Promise<SavedSession[]>;
    /** Opens the stored thread `id` to continue it. */
    resume(id: string, ui: UserInterface): Promise<OpenedThread>;
    /** Messages of a stored history not to show again (compaction summaries). */
    hidden?(item: AnyItem): boolean;
  };
}

/** Options of {@linkcode Session}. */
export interface SessionOptions {
  term: Terminal;
  style: Style;
  /** Working directory until the boot settles it. */
  cwd: string;
  /** The home folder, shown as `~` in the banner. */
  home?: string;
  /** Background start-up (config, thread); a rejection ends the session with that error. */
  boot: Promise<SessionBoot>;
  /** Registers an external interrupt (SIGINT) handler; returns its remover. */
  onInterrupt?(handler: () => void): () => void;
  /** Output is a terminal (cursor control allowed). */
  live?: boolean;
  now?: () => number;
}

const PLACEHOLDER = "Ask denocodex to do anything";

/** `text` without control characters (safe inside an escape sequence). */
function stripControls(text: string): string {
  return [...text].filter((c) => c >= " " && c !== "\x7f").join("");
}

/** The interactive session. */
export class Session {
  #o: SessionOptions;
  #s: Style;
  #screen: Screen;
  #view: TranscriptView;
  #editor = new LineEditor();
  #decoder = new KeyDecoder();
  #modals: ModalHost;
  #ui: UserInterface;
  #boot: SessionBoot | null = null;
  #thread: Thread | null = null;
  #opened: OpenedThread | null = null;
  #unsubscribe: (() => void) | null = null;
  #pending: string[] = [];
  #quitArmed = false;
  #exiting = false;
  #exitResolve!: () => void;
  #exited = new Promise<void>((r) => (this.#exitResolve = r));
  #spinner: ReturnType<typeof setInterval> | undefined;
  #title: string | null = null;
  #mode = "default";
  #modeNote: string | null = null;
  #waiting = false;
  #compacting = false;
  #cleanups: (() => void)[] = [];
  #popupIndex = 0;
  #threadWaiters: ((t: Thread) => void)[] = [];

  constructor(opts: SessionOptions) {
    this.#o = opts;
    this.#s = opts.style;
    this.#screen = new Screen(
      { write: (t) => opts.term.write(t), size: () => opts.term.size() },
      { compose: (w) => this.#compose(w), live: opts.live ?? true, now: opts.now },
    );
    this.#view = new TranscriptView({
      sink: {
        commit: (rows) => this.#screen.commit(rows),
        changed: (urgent) => this.#screen.schedule(urgent),
        width: () => this.#screen.width,
      },
      style: opts.style,
      cwd: () => this.#cwd(),
      contextWindow: () => this.#contextWindow(),
      now: opts.now,
    });
    this.#modals = new ModalHost(() => this.#screen.schedule());
    this.#ui = createTerminalUi({
      host: this.#modals,
      style: opts.style,
      print: (rows) => this.#view.print(rows),
      onWaiting: (w) => {
        this.#waiting = w;
        this.#screen.schedule();
      },
    });
  }

  /** The interface tools use to ask the person. */
  get ui(): UserInterface {
    return this.#ui;
  }

  /** The current thread, once open. */
  get thread(): Thread | null {
    return this.#thread;
  }

  #cwd(): string {
    return this.#boot?.settings.cwd ?? this.#o.cwd;
  }

  #contextWindow(): number {
    return this.#boot?.settings.contextWindow ?? this.#thread?.model.contextWindow ?? 128_000;
  }

  /** Runs the session until the person leaves; returns the exit code. */
  async run(): Promise<number> {
    const term = this.#o.term;
    term.setRaw(true);
    term.write(ENTER_MODES);
    this.#cleanups.push(term.onResize(() => this.#screen.flush()));
    this.#cleanups.push(term.onContinue(() => {
      term.setRaw(true);
      term.write(ENTER_MODES);
      this.#screen.resume();
    }));
    if (this.#o.onInterrupt) this.#cleanups.push(this.#o.onInterrupt(() => this.#ctrlC()));
    this.#screen.flush();
    const reading = this.#readLoop();
    try {
      await this.#start();
      await this.#exited;
      return 0;
    } finally {
      await this.#shutdown();
      void reading;
    }
  }

  async #start(): Promise<void> {
    let boot: SessionBoot;
    try {
      boot = await this.#o.boot;
    } catch (err) {
      this.#exiting = true;
      throw err;
    }
    this.#boot = boot;
    boot.onWarning?.((m) => this.#view.print([this.#s.yellow(`⚠ ${m}`)]));
    const entries: HistoryEntry[] = await boot.history.load();
    this.#editor.setHistory(entries.map((e) => e.text));
    this.#view.print(this.#banner(boot));
    await this.#openThread();
    if (!this.#view.running) this.#stopSpinner();
    if (boot.firstInput !== undefined) this.#startTurn(boot.firstInput);
    for (const text of this.#pending.splice(0)) this.#sendMessage(text);
    this.#screen.schedule();
  }

  async #openThread(): Promise<void> {
    this.#attach(await this.#boot!.openThread(this.#ui));
  }

  /** Makes `opened` the session's thread (closing it at once when the session is leaving). */
  #attach(opened: OpenedThread): void {
    if (this.#exiting) {
      void opened.close().catch(() => {});
      return;
    }
    const thread = opened.thread;
    this.#opened = opened;
    this.#thread = thread;
    this.#mode = thread.collaborationMode;
    this.#unsubscribe = thread.subscribe((e) => this.#onEvent(e));
    for (const w of this.#threadWaiters.splice(0)) w(thread);
  }

  /** Detaches and closes the current thread (for `/new` and `/resume`). */
  async #detach(): Promise<void> {
    const opened = this.#opened;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#thread = null;
    this.#opened = null;
    this.#modals.cancelAll();
    this.#stopSpinner();
    await opened?.close();
    this.#view.reset();
    this.#title = null;
    this.#modeNote = null;
  }

  /** The thread, waiting for it while the session starts. */
  #threadReady(): Promise<Thread> {
    if (this.#thread) return Promise.resolve(this.#thread);
    return new Promise((resolve) => this.#threadWaiters.push(resolve));
  }

  #banner(boot: SessionBoot): string[] {
    const s = this.#s;
    const set = boot.settings;
    const home = this.#o.home;
    const cwd = set.cwd;
    const dir = home && home !== "/" && cwd.startsWith(home) ? "~" + cwd.slice(home.length) : cwd;
    const lines = [
      `${s.bold(">_ denocodex")} ${s.dim(`(v${VERSION})`)}`,
      "",
      `${s.dim("model:")}     ${set.model}${
        set.reasoningEffort ? ` ${set.reasoningEffort}` : ""
      }   ${s.dim("/model to change")}`,
      `${s.dim("directory:")} ${dir}`,
      `${s.dim("sandbox:")}   ${set.sandboxMode} · approvals ${set.approvalPolicy}`,
    ];
    const width = Math.min(this.#screen.width, 80);
    const inner = Math.max(...lines.map(displayWidth), 20) + 2;
    const rows: string[] = [];
    if (inner + 2 <= width) {
      rows.push(s.dim(`╭${"─".repeat(inner)}╮`));
      for (const l of lines) rows.push(`${s.dim("│")} ${padEnd(l, inner - 2)} ${s.dim("│")}`);
      rows.push(s.dim(`╰${"─".repeat(inner)}╯`));
    } else {
      rows.push(...lines.filter((l) => l !== ""));
    }
    rows.push("");
    const tip = "To get started, describe a task, or type / for commands: /help for keys, " +
      "/model to switch models, /plan to plan first.";
    for (const r of wordWrap(tip, this.#screen.width - 2)) rows.push(s.dim(`  ${r}`));
    for (const n of boot.notes ?? []) rows.push(s.yellow(`⚠ ${n}`));
    rows.push("");
    return rows;
  }

  async #readLoop(): Promise<void> {
    while (!this.#exiting) {
      let chunk: Uint8Array | null;
      try {
        chunk = await this.#o.term.read();
      } catch {
        chunk = null;
      }
      if (this.#exiting) return;
      if (chunk === null) {
        this.#exit();
        return;
      }
      for (const key of this.#decoder.feed(chunk)) {
        try {
          this.#onKey(key);
        } catch (err) {
          this.#view.print([this.#s.red(`error: ${(err as Error).message}`)]);
        }
      }
    }
  }

  /** A turn is running (as far as the screen knows: between its start and end events). */
  #busy(): boolean {
    return this.#view.running;
  }

  #onKey(key: KeyEvent): void {
    const isCtrlC = key.kind === "chord" && key.ctrl && key.key === "c";
    if (!isCtrlC && this.#quitArmed) {
      this.#quitArmed = false;
      this.#screen.schedule();
    }
    if (isCtrlC) {
      this.#ctrlC();
      return;
    }
    const modal = this.#modals.active;
    if (modal) {
      modal.handle(key);
      this.#screen.schedule();
      return;
    }
    if (key.kind === "chord" && key.ctrl) {
      switch (key.key) {
        case "d":
          if (this.#editor.empty) {
            this.#exit();
            return;
          }
          break;
        case "l":
          this.#o.term.write("\x1b[2J\x1b[H");
          this.#screen.flush();
          return;
        case "z":
          this.#screen.suspend();
          this.#o.term.write(LEAVE_MODES);
          this.#o.term.setRaw(false);
          this.#o.term.suspend();
          return;
      }
    }
    if (key.kind === "key") {
      if (key.name === "escape") {
        if (this.#busy() && this.#editor.empty) this.#interrupt();
        return;
      }
      if (key.name === "tab" && !key.shift) {
        this.#tab();
        return;
      }
      if ((key.name === "up" || key.name === "down") && this.#popup().length > 0) {
        const n = this.#popup().length;
        this.#popupIndex = (this.#popupIndex + (key.name === "up" ? n - 1 : 1)) % n;
        this.#screen.schedule();
        return;
      }
    }
    const result = this.#editor.handle(key);
    if (result === "submit") {
      const popup = this.#popup();
      const typed = this.#editor.text.trim();
      if (popup.length > 0 && !findSlash(typed.slice(1))) {
        // Enter on a partial command completes it first.
        this.#complete(popup[this.#popupIndex % popup.length].name);
        return;
      }
      this.#submit(this.#editor.take());
    }
    this.#popupIndex = result === "changed" ? 0 : this.#popupIndex;
    this.#screen.schedule();
  }

  #ctrlC(): void {
    if (this.#modals.active || this.#waiting) {
      this.#modals.cancelAll();
      this.#interrupt();
      return;
    }
    if (this.#busy() || this.#thread?.busy) {
      this.#interrupt();
      return;
    }
    if (!this.#editor.empty) {
      this.#editor.clear();
      this.#screen.schedule();
      return;
    }
    if (this.#quitArmed) {
      this.#exit();
      return;
    }
    this.#quitArmed = true;
    this.#screen.schedule();
  }

  #interrupt(): void {
    this.#modals.cancelAll();
    this.#thread?.interrupt();
  }

  /** Matching commands while a bare `/name` is typed. */
  #popup() {
    const t = this.#editor.text;
    if (!t.startsWith("/") || /\s/.test(t)) return [];
    return completeSlash(t.slice(1));
  }

  #complete(name: string): void {
    this.#editor.setText(`/${name} `);
    this.#popupIndex = 0;
    this.#screen.schedule();
  }

  #tab(): void {
    const popup = this.#popup();
    if (popup.length > 0) {
      this.#complete(popup[this.#popupIndex % popup.length].name);
      return;
    }
    // While a turn runs, Tab queues the text as the next turn.
    if (this.#busy() && !this.#editor.empty) {
      const text = this.#editor.take();
      this.#editor.remember(text);
      this.#queue(text);
      this.#screen.schedule();
    }
  }

  #submit(raw: string): void {
    const text = raw.replace(/\s+$/, "");
    if (text.trim() === "") return;
    this.#editor.remember(text);
    const slash = parseSlash(text);
    if (slash) {
      const known = findSlash(slash.name);
      if (known) {
        void this.#command(slash.name, slash.arg).catch((err) =>
          this.#view.print([this.#s.red(`/${slash.name}: ${(err as Error).message}`)])
        );
        return;
      }
      if (!text.trim().split(/\s/)[0].slice(1).includes("/")) {
        this.#view.print([
          this.#s.red(
            `Unrecognized command '/${slash.name}'. Type /help for the list of commands.`,
          ),
        ]);
        return;
      }
    }
    this.#sendMessage(text);
  }

  #sendMessage(text: string): void {
    const thread = this.#thread;
    if (!thread) {
      this.#pending.push(text);
      this.#screen.schedule();
      return;
    }
    void this.#boot!.history.append(thread.id, text);
    if (this.#title === null) this.#title = preview(text, 48);
    if (thread.busy && !this.#view.running) {
      // Busy without a turn (compacting): the text waits for the next turn.
      this.#queue(text, false);
      return;
    }
    if (thread.busy) {
      if (thread.steer(text)) {
        this.#view.print([this.#s.cyan(`[steer] queued: ${preview(text)}`)]);
      }
      return;
    }
    this.#startTurn(text);
  }

  #queue(text: string, record = true): void {
    const thread = this.#thread;
    if (!thread) {
      this.#pending.push(text);
      return;
    }
    if (record) void this.#boot!.history.append(thread.id, text);
    if (!thread.busy) {
      this.#startTurn(text);
      return;
    }
    this.#view.print([this.#s.cyan(`[queue] queued: ${preview(text)}`)]);
    thread.queue(text).catch((err) => this.#view.print([this.#s.red(`■ ${err.message}`)]));
  }

  #startTurn(input: TurnInput): void {
    const thread = this.#thread!;
    if (this.#modeNote !== null && !thread.busy && this.#opened) {
      this.#opened.append(this.#boot!.modeUpdateItem(this.#modeNote));
      this.#modeNote = null;
    }
    if (this.#title === null && typeof input === "string") this.#title = preview(input, 48);
    thread.run(input).catch((err) =>
      this.#view.print([this.#s.red(`■ ${(err as Error).message}`)])
    );
  }

  #onEvent(e: AgentEvent): void {
    this.#view.handle(e);
    switch (e.type) {
      case "turn_started":
        this.#startSpinner();
        break;
      case "turn_completed":
      case "turn_failed":
      case "turn_aborted":
        this.#modals.cancelAll();
        this.#stopSpinner();
        break;
    }
    this.#screen.schedule();
  }

  #startSpinner(): void {
    if (this.#spinner !== undefined) return;
    this.#spinner = setInterval(() => this.#screen.schedule(), SPINNER_MS);
  }

  #stopSpinner(): void {
    if (this.#spinner === undefined) return;
    clearInterval(this.#spinner);
    this.#spinner = undefined;
  }

  #exit(): void {
    if (this.#exiting) return;
    this.#exiting = true;
    this.#exitResolve();
  }

  async #shutdown(): Promise<void> {
    this.#exiting = true;
    this.#stopSpinner();
    this.#modals.cancelAll();
    const thread = this.#thread;
    const opened = this.#opened;
    this.#unsubscribe?.();
    if (thread) {
      const usage = thread.totalUsage;
      if (usage.input_tokens + usage.output_tokens > 0) {
        this.#screen.commit([
          `Token usage: total=${formatTokens(usage.input_tokens + usage.output_tokens)} input=${
            formatTokens(usage.input_tokens)
          }${
            usage.cached_input_tokens
              ? ` (+ ${formatTokens(usage.cached_input_tokens)} cached)`
              : ""
          } output=${formatTokens(usage.output_tokens)}${
            usage.reasoning_output_tokens
              ? ` (reasoning ${formatTokens(usage.reasoning_output_tokens)})`
              : ""
          }`,
        ]);
        if (opened?.saved) {
          this.#screen.commit([`To continue this session, run denocodex resume ${thread.id}`]);
        }
      }
    }
    this.#screen.close();
    for (const c of this.#cleanups.splice(0)) c();
    this.#o.term.write(LEAVE_MODES);
    this.#o.term.setRaw(false);
    await opened?.close().catch(() => {});
    await this.#boot?.history.flush();
  }

  // ---- live region ------------------------------------------------------------------------

  #compose(width: number): LiveFrame {
    const s = this.#s;
    const rows = this.#view.liveRows(width);
    const modal = this.#modals.active;
    if (modal) {
      const f = modal.frame(width);
      const offset = rows.length;
      rows.push(...f.rows);
      return {
        rows,
        cursor: f.cursor ? { row: f.cursor.row + offset, col: f.cursor.col } : undefined,
      };
    }
    if (this.#compacting && !this.#view.running) {
      const frame =
        SPINNER_FRAMES[Math.floor(performance.now() / SPINNER_MS) % SPINNER_FRAMES.length];
      rows.push(`${s.cyan(frame)} ${s.bold("Compacting the conversation")}`);
    }
    if (!this.#thread && !this.#exiting && (this.#pending.length > 0 || this.#boot)) {
      const frame =
        SPINNER_FRAMES[Math.floor(performance.now() / SPINNER_MS) % SPINNER_FRAMES.length];
      for (const p of this.#pending) {
        rows.push(truncate(s.dim(`› ${preview(p)} (sent when the session is ready)`), width));
      }
      rows.push(`${s.cyan(frame)} ${s.bold("Starting")} ${s.dim("(opening the session)")}`);
      if (this.#spinner === undefined) this.#startSpinner();
    }
    rows.push("");
    const prompt = `${s.bold(s.cyan("›"))} `;
    const first = rows.length;
    const text = this.#editor.text;
    const lines = text.split("\n");
    if (text === "") {
      const hint = this.#busy() ? "Type to steer the running turn · Tab to queue" : PLACEHOLDER;
      rows.push(prompt + s.dim(truncate(hint, width - 3)));
    } else {
      lines.forEach((l, i) => rows.push((i === 0 ? prompt : "  ") + l));
    }
    const { line, column } = this.#editor.position();
    const cursor = {
      row: first + line,
      col: 2 + displayWidth((lines[line] ?? "").slice(0, column)),
    };
    const popup = this.#popup();
    if (popup.length > 0) {
      const nameWidth = Math.max(...popup.map((c) =>
        c.name.length + (c.args ? c.args.length + 1 : 0)
      )) + 3;
      popup.slice(0, 8).forEach((c, i) => {
        const name = padEnd(`/${c.name}${c.args ? " " + c.args : ""}`, nameWidth);
        const active = i === this.#popupIndex % popup.length;
        rows.push(truncate(`  ${active ? s.cyan(name) : name}${s.dim(c.description)}`, width));
      });
    } else {
      rows.push(this.#footer(width));
    }
    return { rows, cursor };
  }

  #footer(width: number): string {
    const s = this.#s;
    let left: string;
    if (this.#quitArmed) left = "Press Ctrl-C again to quit";
    else if (this.#busy()) left = "⏎ steer · Tab queue · Esc or Ctrl-C interrupt";
    else left = "⏎ send · Ctrl-J newline · / commands · Ctrl-D quit";
    const right: string[] = [];
    const model = this.#thread?.model.slug ?? this.#boot?.settings.model;
    if (model) right.push(model);
    if (this.#mode !== "default") {
      right.push(`${this.#mode[0].toUpperCase()}${this.#mode.slice(1)} mode`);
    }
    const left100 = this.#view.contextLeft();
    if (left100 !== null) right.push(`${left100}% context left`);
    const r = right.join(" · ");
    const gap = width - 2 - displayWidth(left) - displayWidth(r);
    if (gap >= 2) return s.dim(`  ${left}${" ".repeat(gap)}${r}`);
    return s.dim(truncate(`  ${this.#quitArmed ? left : r || left}`, width));
  }

  // ---- slash commands ---------------------------------------------------------------------

  async #command(name: string, arg: string): Promise<void> {
    const s = this.#s;
    const print = (rows: string[]) => this.#view.print(rows);
    const needThread = () => this.#threadReady();
    switch (name) {
      case "exit":
      case "quit":
        this.#exit();
        return;
      case "help":
        print(this.#help());
        return;
      case "clear":
        this.#o.term.write("\x1b[2J\x1b[3J\x1b[H");
        this.#screen.flush();
        return;
      case "model":
        await this.#model(arg, await needThread());
        return;
      case "plan":
      case "default":
        this.#setMode(name, await needThread());
        return;
      case "status":
        print(this.#status());
        return;
      case "history":
        print(this.#history());
        return;
      case "title":
        if (arg) {
          this.#title = arg;
          if (this.#o.live !== false) {
            this.#o.term.write(`\x1b]0;${stripControls(arg)}\x07`);
          }
          print([s.dim(`Session title set to: ${arg}`)]);
        } else {
          print([`Session: ${this.#title ?? "untitled"}`]);
        }
        return;
      case "diff":
        print(await this.#diff());
        return;
      case "queue":
        if (!arg) {
          print([s.dim("Usage: /queue <text> (sent as the next turn)")]);
          return;
        }
        this.#queue(arg);
        return;
      case "new": {
        await needThread();
        await this.#detach();
        await this.#openThread();
        print([s.dim("Started a new session."), ""]);
        return;
      }
      case "compact": {
        const thread = await needThread();
        if (thread.busy) {
          print([s.dim("/compact runs after the current turn.")]);
        }
        this.#compacting = true;
        this.#startSpinner();
        let done: boolean;
        try {
          done = await thread.compact();
        } finally {
          this.#compacting = false;
          if (!this.#busy()) this.#stopSpinner();
        }
        if (!done) {
          print([
            s.yellow("The conversation was not compacted (nothing to compact, or it failed)."),
          ]);
        }
        return;
      }
      case "resume":
        await this.#resume(arg);
        return;
    }
  }

  async #resume(arg: string): Promise<void> {
    const s = this.#s;
    const sessions = this.#boot?.sessions;
    if (!sessions) {
      this.#view.print([s.yellow("/resume is not available: saved sessions are turned off.")]);
      return;
    }
    const current = await this.#threadReady();
    let id = arg;
    if (!id) {
      const list = (await sessions.list()).filter((x) => x.id !== current.id).slice(0, 9);
      if (list.length === 0) {
        this.#view.print([s.dim("No other saved sessions in this folder.")]);
        return;
      }
      const pick = await this.#modals.exclusive(() =>
        this.#modals.select({
          title: [s.bold("Resume a session")],
          options: list.map((x) => ({
            label: x.title || "(untitled)",
            description: `${x.updatedAt.toISOString().replace("T", " ").slice(0, 16)} · ${x.id}`,
          })),
          style: s,
          hint: "↑/↓ or 1-9 to choose · Enter to resume · Esc to stay here",
        })
      );
      if (pick === null || pick === undefined) return;
      id = list[pick].id;
    }
    if (current.busy) current.interrupt();
    const opened = await sessions.resume(id, this.#ui);
    await this.#detach();
    this.#attach(opened);
    this.#view.replay(opened.thread.history, sessions.hidden);
    this.#view.print([s.dim(`Resumed session ${opened.thread.id}.`), ""]);
  }

  #help(): string[] {
    const s = this.#s;
    const rows = [s.bold("Commands")];
    for (const c of SLASH_COMMANDS) {
      rows.push(
        `  ${padEnd(`/${c.name}${c.args ? " " + c.args : ""}`, 18)} ${s.dim(c.description)}`,
      );
    }
    rows.push("", s.bold("Keys"));
    const keys: [string, string][] = [
      ["Enter", "send; while a turn runs: steer it"],
      ["Tab", "complete a command; while a turn runs: queue the text for the next turn"],
      ["Ctrl-J, Alt-Enter, Shift-Enter, \\ Enter", "new line"],
      ["↑ / ↓", "earlier prompts (saved across sessions)"],
      ["Ctrl-C / Esc", "interrupt the turn; Ctrl-C twice on an empty prompt quits"],
      ["Ctrl-D", "quit (on an empty prompt)"],
      ["Ctrl-A/E, Alt-B/F", "start/end of line, word left/right"],
      ["Ctrl-U/K/W, Ctrl-Y", "delete to start/end of line, word; paste it back"],
      ["Ctrl-L", "redraw the screen"],
    ];
    for (const [k, d] of keys) rows.push(`  ${padEnd(k, 40)} ${s.dim(d)}`);
    rows.push("");
    return rows;
  }

  async #model(arg: string, thread: Thread): Promise<void> {
    const s = this.#s;
    const boot = this.#boot!;
    const models = boot.models();
    let slug = arg;
    if (!slug) {
      const current = thread.model.slug;
      const options = models.map((m) => ({
        label: m.slug === current ? `${m.slug} (current)` : m.slug,
        description: `${m.displayName} · ${Math.round(m.contextWindow / 1000)}k context`,
      }));
      const pick = await this.#modals.exclusive(() =>
        this.#modals.select({
          title: [
            s.bold("Select a model"),
            s.dim(`Current: ${current}. Applies from the next turn.`),
          ],
          options,
          style: s,
          hint: "↑/↓ to move · Enter to choose · Esc to keep the current model",
        })
      );
      if (pick === null || pick === undefined) {
        this.#view.print([`Current model: ${current}`]);
        return;
      }
      slug = models[pick].slug;
    }
    thread.setModel(slug);
    const known = models.some((m) => m.slug === slug);
    const rows = [`Model changed to ${s.bold(slug)}${thread.busy ? " (from the next turn)" : ""}.`];
    if (!known) rows.push(s.yellow(`⚠ ${slug} is not in the catalog: fallback settings are used.`));
    this.#view.print(rows);
  }

  #setMode(mode: string, thread: Thread): void {
    if (thread.collaborationMode === mode) {
      this.#view.print([this.#s.dim(`Already in ${mode === "plan" ? "Plan" : "Default"} mode.`)]);
      return;
    }
    thread.setCollaborationMode(mode);
    this.#mode = mode;
    this.#modeNote = mode;
    this.#view.print([
      mode === "plan"
        ? this.#s.cyan(
          "Plan mode: the agent plans first and may ask you questions. /default to leave.",
        )
        : this.#s.cyan("Default mode."),
    ]);
  }

  #status(): string[] {
    const s = this.#s;
    const set = this.#boot?.settings;
    const thread = this.#thread;
    const rows = [s.bold("Session")];
    const kv = (k: string, v: string) => rows.push(`  ${padEnd(s.dim(k), 16)}${v}`);
    kv("model:", thread?.model.slug ?? set?.model ?? "(starting)");
    kv("provider:", set?.provider ?? "(starting)");
    kv("directory:", this.#cwd());
    kv("sandbox:", set?.sandboxMode ?? "(starting)");
    kv("approvals:", set?.approvalPolicy ?? "(starting)");
    kv("mode:", this.#mode === "plan" ? "Plan" : "Default");
    if (thread) kv("session:", thread.id);
    if (this.#title) kv("title:", this.#title);
    const total = thread?.totalUsage;
    if (total) kv("tokens:", usageSummary(total));
    const left = this.#view.contextLeft();
    if (left !== null) {
      kv("context:", `${meterBar(left)} ${left}% left of ${formatTokens(this.#contextWindow())}`);
    } else kv("context:", `${formatTokens(this.#contextWindow())} tokens window`);
    rows.push("");
    return rows;
  }

  #history(): string[] {
    const ex = this.#view.exchanges;
    if (ex.length === 0) return ["No history yet."];
    const rows = [`Session: ${this.#title ?? "untitled"}`];
    ex.forEach((e, i) => {
      rows.push(`[${i + 1}] user> ${preview(e.user, 200)}`);
      rows.push(
        `    assistant> ${e.assistant === null ? "(no answer)" : preview(e.assistant, 200)}`,
      );
    });
    return rows;
  }

  async #diff(): Promise<string[]> {
    const s = this.#s;
    const git = this.#boot?.git;
    if (!git) return [s.dim("The session is still starting.")];
    const inside = await git(["rev-parse", "--is-inside-work-tree"]);
    if (!inside || inside.code !== 0) {
      return [s.yellow("Not inside a git repository: /diff needs one.")];
    }
    const tracked =
      await git(["-c", "core.quotepath=off", "diff", "--no-color", "--no-ext-diff", "HEAD"]) ??
        { code: 1, stdout: "" };
    let text = tracked.code === 0 ? tracked.stdout : "";
    if (tracked.code !== 0) {
      // No commit yet: diff against the empty tree via the index.
      text = (await git(["-c", "core.quotepath=off", "diff", "--no-color", "--cached"]))?.stdout ??
        "";
    }
    const untracked = await git(["ls-files", "--others", "--exclude-standard", "-z"]);
    for (const file of (untracked?.stdout ?? "").split("\0").filter(Boolean)) {
      const d = await git(["diff", "--no-color", "--no-index", "--", "/dev/null", file]);
      if (d) text += d.stdout;
    }
    if (text.trim() === "") return [s.dim("No changes.")];
    return [...renderGitDiff(text, s, this.#screen.width), ""];
  }
}

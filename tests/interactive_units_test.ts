import assert from "node:assert/strict";
import { join } from "node:path";
import { KeyDecoder } from "../lib/cli/interactive/keys.ts";
import { LARGE_PASTE_CHARS, LineEditor } from "../lib/cli/interactive/editor.ts";
import { MarkdownStream, renderMarkdown } from "../lib/cli/interactive/markdown.ts";
import { makeStyle } from "../lib/cli/interactive/style.ts";
import {
  displayWidth,
  hardWrap,
  stripAnsi,
  truncate,
  wordWrap,
} from "../lib/cli/interactive/width.ts";
import {
  afterSandboxDenial,
  commandApproval,
  decisionOutcome,
  nonInteractive,
  parseApprovalPolicy,
  patchApproval,
} from "../lib/agent/approval.ts";
import { isKnownSafeArgv } from "../lib/agent/safe_commands.ts";
import { parseHistory, PromptHistory } from "../lib/cli/interactive/history_file.ts";
import { Screen } from "../lib/cli/interactive/screen.ts";
import { VirtualTerminal } from "../lib/cli/interactive/vt.ts";
import { renderFileChange } from "../lib/cli/interactive/diff_view.ts";
import { contextLeftPercent, formatElapsed } from "../lib/cli/interactive/status.ts";
import { parseSlash } from "../lib/cli/interactive/slash.ts";

const plain = makeStyle(false);
const color = makeStyle(true);

Deno.test("keys: text, controls, arrows, kitty CSI u, Alt, and pastes split across reads", () => {
  const d = new KeyDecoder();
  assert.deepEqual(d.feed("hi\r"), [
    { kind: "text", text: "hi" },
    { kind: "key", name: "enter", shift: false, alt: false, ctrl: false },
  ]);
  assert.deepEqual(d.feed("\x03\x04\n"), [
    { kind: "chord", key: "c", ctrl: true, alt: false },
    { kind: "chord", key: "d", ctrl: true, alt: false },
    { kind: "chord", key: "j", ctrl: true, alt: false },
  ]);
  assert.deepEqual(d.feed("\x1b[A\x1b[1;5C\x1bOH"), [
    { kind: "key", name: "up", shift: false, alt: false, ctrl: false },
    { kind: "key", name: "right", shift: false, alt: false, ctrl: true },
    { kind: "key", name: "home", shift: false, alt: false, ctrl: false },
  ]);
  // Kitty: Shift-Enter and Ctrl-C; xterm modifyOtherKeys: Shift-Enter.
  assert.deepEqual(d.feed("\x1b[13;2u\x1b[99;5u\x1b[27;2;13~"), [
    { kind: "key", name: "enter", shift: true, alt: false, ctrl: false },
    { kind: "chord", key: "c", ctrl: true, alt: false },
    { kind: "key", name: "enter", shift: true, alt: false, ctrl: false },
  ]);
  assert.deepEqual(d.feed("\x1bb\x1b\r"), [
    { kind: "chord", key: "b", ctrl: false, alt: true },
    { kind: "key", name: "enter", shift: false, alt: true, ctrl: false },
  ]);
  // A sequence cut between two reads waits for its end.
  assert.deepEqual(d.feed("\x1b[1;"), []);
  assert.deepEqual(d.feed("5D"), [{
    kind: "key",
    name: "left",
    shift: false,
    alt: false,
    ctrl: true,
  }]);
  assert.deepEqual(d.feed("\x1b[200~line one\r\nline"), []);
  assert.ok(d.inPaste);
  assert.deepEqual(d.feed(" two\x1b[20"), []);
  assert.deepEqual(d.feed("1~x"), [
    { kind: "paste", text: "line one\nline two" },
    { kind: "text", text: "x" },
  ]);
  assert.deepEqual(d.feed("\x1b"), [{
    kind: "key",
    name: "escape",
    shift: false,
    alt: false,
    ctrl: false,
  }]);
  // UTF-8 split inside a character.
  const bytes = new TextEncoder().encode("é");
  assert.deepEqual(d.feed(bytes.subarray(0, 1)), []);
  assert.deepEqual(d.feed(bytes.subarray(1)), [{ kind: "text", text: "é" }]);
});

Deno.test("editor: editing keys, multi-line input, history and large paste placeholders", () => {
  const e = new LineEditor();
  const d = new KeyDecoder();
  const type = (s: string) => d.feed(s).map((k) => e.handle(k));
  type("hello world");
  type("\x17"); // Ctrl-W
  assert.equal(e.text, "hello ");
  type("\x19"); // Ctrl-Y
  assert.equal(e.text, "hello world");
  type("\x01X"); // Ctrl-A, insert
  assert.equal(e.text, "Xhello world");
  type("\x05\\");
  assert.deepEqual(type("\r"), ["changed"], "a trailing backslash continues the line");
  type("second\n third");
  assert.equal(e.text, "Xhello world\nsecond\n third");
  type("\x1b[A");
  assert.deepEqual(e.position(), { line: 1, column: 6 });
  assert.deepEqual(type("\r"), ["submit"]);
  assert.equal(e.take(), "Xhello world\nsecond\n third");
  assert.ok(e.empty);

  e.setHistory(["first", "second"]);
  type("draft");
  type("\x1b[A");
  assert.equal(e.text, "second");
  type("\x1b[A\x1b[A");
  assert.equal(e.text, "first");
  type("\x1b[B\x1b[B");
  assert.equal(e.text, "draft");

  e.clear();
  const big = "x".repeat(LARGE_PASTE_CHARS + 5);
  e.handle({ kind: "paste", text: big });
  assert.equal(e.text, `[Pasted Content ${big.length} chars]`);
  e.insert(" please");
  assert.equal(e.expanded(), `${big} please`);
  type("\x1b[D".repeat(7) + "\x7f");
  assert.equal(e.text, " please", "backspace removes the whole placeholder");
  e.handle({ kind: "paste", text: "a\r\nb" });
  assert.equal(e.text, "a\nb please");
});

Deno.test("markdown: headings, lists, code with highlighting, inline styles; plain keeps markup", () => {
  const text = "# Title\nSome **bold** and `code`.\n\n\n- item\n  - nested\n1. first\n> quote\n" +
    "```ts\nconst x = 1; // note\n```\n---\n| a | b |\n|---|---|\n";
  const rows = renderMarkdown(text, { width: 40, style: plain });
  assert.deepEqual(rows, [
    "# Title",
    "Some **bold** and `code`.",
    "",
    "- item",
    "  - nested",
    "1. first",
    "> quote",
    "```ts",
    "const x = 1; // note",
    "```",
    "─".repeat(40),
    "a | b",
    "┼───┼───┼",
  ]);
  const styled = renderMarkdown(text, { width: 40, style: color });
  assert.equal(stripAnsi(styled[0]), "Title");
  assert.ok(styled[0].includes("\x1b[1m"), "headings are bold");
  assert.equal(stripAnsi(styled[1]), "Some bold and code.");
  assert.equal(stripAnsi(styled[3]), "• item");
  assert.equal(stripAnsi(styled[4]), "  ◦ nested");
  assert.ok(styled[8].includes("\x1b[35mconst\x1b[39m"), "keywords are coloured");
  assert.ok(styled[8].includes("\x1b[90m// note"), "comments are grey");
});

Deno.test("markdown: streaming commits whole lines, previews the partial one, wraps lists", () => {
  const md = new MarkdownStream({ width: 20, style: plain });
  assert.deepEqual(md.push("- a list item that wraps"), []);
  assert.deepEqual(md.preview(), ["- a list item that", "  wraps"]);
  assert.deepEqual(md.push(" around\n```\ncode"), ["- a list item that", "  wraps around", "```"]);
  assert.deepEqual(md.preview(), ["code"]);
  assert.deepEqual(md.push(" line\n"), ["code line"]);
  assert.deepEqual(md.end(), []);
});

Deno.test("width: wide characters, ANSI-aware wrapping and truncation", () => {
  assert.equal(displayWidth("a漢字b"), 6);
  assert.equal(displayWidth("\x1b[31mred\x1b[39m"), 3);
  assert.deepEqual(hardWrap("abcdef", 4), ["abcd", "ef"]);
  const wrapped = hardWrap("\x1b[31mabcdef\x1b[39m", 4);
  assert.deepEqual(wrapped.map(stripAnsi), ["abcd", "ef"]);
  assert.ok(wrapped[1].startsWith("\x1b[31m"), "the style continues on the next row");
  assert.deepEqual(wordWrap("one two three four", 9, "  "), ["one two", "  three", "  four"]);
  assert.equal(truncate("abcdefgh", 5), "abcd…");
});

Deno.test("approval: decisions for every policy, sandbox mode and escalation", () => {
  const base = { sandboxMode: "workspace-write" as const, argv: ["bash", "-lc", "npm test"] };
  assert.deepEqual(commandApproval({ ...base, policy: "never" }), {
    action: "run",
    placement: "sandboxed",
  });
  assert.deepEqual(commandApproval({ ...base, policy: "on-request" }), {
    action: "run",
    placement: "sandboxed",
  });
  assert.equal(commandApproval({ ...base, policy: "untrusted" }).action, "ask");
  assert.deepEqual(
    commandApproval({
      ...base,
      policy: "untrusted",
      argv: ["bash", "-lc", "ls -la && git status"],
    }),
    { action: "run", placement: "sandboxed" },
  );
  assert.equal(
    commandApproval({ ...base, policy: "untrusted", argv: ["bash", "-lc", "ls > out.txt"] }).action,
    "ask",
  );
  assert.deepEqual(commandApproval({ ...base, policy: "untrusted", approvedForSession: true }), {
    action: "run",
    placement: "sandboxed",
  });
  assert.deepEqual(
    commandApproval({
      ...base,
      policy: "on-request",
      escalated: true,
      justification: "needs network",
    }),
    { action: "ask", reason: "needs network", placement: "unsandboxed" },
  );
  assert.equal(commandApproval({ ...base, policy: "never", escalated: true }).action, "reject");
  assert.deepEqual(
    commandApproval({
      ...base,
      policy: "on-request",
      sandboxMode: "danger-full-access",
      escalated: true,
    }),
    { action: "run", placement: "unsandboxed" },
  );
  assert.equal(afterSandboxDenial("on-failure"), "ask");
  assert.equal(afterSandboxDenial("on-request"), "report");
  assert.equal(afterSandboxDenial("never"), "report");
  assert.equal(parseApprovalPolicy("on-failure"), "on-failure");
  assert.equal(parseApprovalPolicy("sometimes"), undefined);

  const patch = { paths: ["/ws/a.txt"], writableRoots: ["/ws"] };
  assert.deepEqual(
    patchApproval({ ...patch, policy: "on-request", sandboxMode: "workspace-write" }),
    {
      action: "run",
      placement: "sandboxed",
    },
  );
  assert.equal(
    patchApproval({
      ...patch,
      policy: "on-request",
      sandboxMode: "workspace-write",
      paths: ["/etc/x"],
    })
      .action,
    "ask",
  );
  assert.equal(
    patchApproval({ ...patch, policy: "never", sandboxMode: "read-only" }).action,
    "reject",
  );
  assert.equal(
    patchApproval({ ...patch, policy: "untrusted", sandboxMode: "workspace-write" }).action,
    "ask",
  );
  assert.equal(
    nonInteractive({ action: "ask", reason: "x", placement: "sandboxed" }).action,
    "reject",
  );
  assert.deepEqual(decisionOutcome("approved_for_session"), { run: true, remember: true });
  assert.deepEqual(decisionOutcome("abort"), { run: false, interrupt: true });
  assert.ok(isKnownSafeArgv(["git", "log", "-n", "3"]));
  assert.ok(!isKnownSafeArgv(["git", "push"]));
  assert.ok(!isKnownSafeArgv(["find", ".", "-delete"]));
  assert.ok(isKnownSafeArgv(["sed", "-n", "1,20p", "file"]));
});

Deno.test("history file: upstream line format, owner-only, persistence off, trimming", async () => {
  const home = await Deno.makeTempDir();
  try {
    const h = new PromptHistory({
      codexHome: home,
      persist: true,
      maxBytes: 200,
      now: () => 1_700_000_000_500,
    });
    await h.append("thread-1", "first prompt");
    await h.append("thread-1", "  ");
    await h.append("thread-1", 'second "quoted"');
    const text = await Deno.readTextFile(join(home, "history.jsonl"));
    assert.equal(
      text,
      '{"session_id":"thread-1","ts":1700000000,"text":"first prompt"}\n' +
        '{"session_id":"thread-1","ts":1700000000,"text":"second \\"quoted\\""}\n',
    );
    assert.equal((await Deno.stat(h.path)).mode! & 0o777, 0o600);
    assert.deepEqual((await h.load()).map((e) => e.text), ["first prompt", 'second "quoted"']);
    for (let i = 0; i < 5; i++) await h.append("thread-2", `entry number ${i}`);
    const kept = parseHistory(await Deno.readTextFile(h.path));
    assert.ok((await Deno.stat(h.path)).size <= 200);
    assert.equal(kept[kept.length - 1].text, "entry number 4", "the newest entries stay");
    assert.ok(!kept.some((e) => e.text === "first prompt"));
    assert.deepEqual(parseHistory('garbage\n{"session_id":"s","ts":1,"text":"ok"}\n{"x":1}\n'), [
      { session_id: "s", ts: 1, text: "ok" },
    ]);
    const off = new PromptHistory({ codexHome: home, persist: false });
    await off.append("t", "not saved");
    assert.ok(!(await Deno.readTextFile(h.path)).includes("not saved"));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("screen: finished rows reach the scrollback once; the live region is redrawn in place", () => {
  const vt = new VirtualTerminal(30, 8);
  let live = ["› typing", "  footer"];
  const screen = new Screen(
    { write: (t) => vt.write(t), size: () => ({ columns: 30, rows: 8 }) },
    { compose: () => ({ rows: live, cursor: { row: 0, col: 8 } }), live: true, frameMs: 0 },
  );
  screen.flush();
  for (let i = 1; i <= 12; i++) screen.commit([`row ${i} ` + "x".repeat(i === 3 ? 40 : 0)]);
  screen.flush();
  live = ["⠋ Working", "› more", "  footer"];
  screen.flush();
  const all = vt.all();
  assert.deepEqual(all.filter((r) => r.startsWith("row ")).length, 12);
  assert.deepEqual(all.slice(-3), ["⠋ Working", "› more", "  footer"]);
  assert.ok(all.includes("x".repeat(16)), "a long row wraps onto the next line");
  assert.deepEqual(vt.cursor, { row: 5, col: 8 }, "the cursor sits where the frame put it");
  screen.close();
  assert.deepEqual(vt.all().slice(-1), ["row 12"], "closing erases the live region");
});

Deno.test("diff view, status helpers and slash parsing", () => {
  const rows = renderFileChange({
    path: "/ws/src/a.ts",
    kind: "update",
    diff: "@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n",
  }, { style: plain, width: 60, cwd: "/ws" });
  assert.deepEqual(rows, [
    "Edited src/a.ts (+1 -1)",
    "    1  one",
    "    2 -two",
    "    2 +TWO",
    "    3  three",
  ]);
  assert.equal(formatElapsed(65_000), "1m 05s");
  assert.equal(contextLeftPercent(12_000, 112_000), 100);
  assert.equal(contextLeftPercent(62_000, 112_000), 50);
  assert.deepEqual(parseSlash("/model gpt-5.4"), { name: "model", arg: "gpt-5.4" });
  assert.deepEqual(parseSlash("/plan"), { name: "plan", arg: "" });
  assert.equal(parseSlash("no slash"), null);
  assert.deepEqual(parseSlash("/usr/bin is odd"), null);
});

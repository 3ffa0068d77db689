import assert from "node:assert/strict";
import { join } from "node:path";
import { createReadFileTool } from "../tools/read_file.ts";
import { toolContext as context } from "./helpers.ts";
import { type BlockLine, indentationBlock } from "../tools/fs/indentation_block.ts";
import { readLineWindow } from "../tools/fs/line_window.ts";
import { LineMarks } from "../tools/fs/line_index.ts";
import { countNewlines } from "../tools/fs/count_newlines.ts";
import { createNewlineCounter, simdNewlineCounting } from "../tools/fs/newline_counter.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function read(args: Record<string, unknown>): Promise<{ text: string; ok: boolean }> {
  const res = await createReadFileTool().run(JSON.stringify(args), context("/"));
  return { text: String(res.output), ok: res.success !== false };
}

const PY = [
  "class Foo:",
  "    def a(self):",
  "        x = 1",
  "        y = 2",
  "",
  "    # helper",
  "    def b(self):",
  "        return 3",
  "",
  "def top():",
  "    pass",
].join("\n") + "\n";

function numbered(lines: string[], from: number, to: number): string {
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(`L${n}: ${lines[n - 1]}`);
  return out.join("\n");
}

Deno.test("read_file: slice mode with defaults, offset and limit", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "a.py");
    await Deno.writeTextFile(path, PY);
    const lines = PY.split("\n");
    assert.equal((await read({ file_path: path })).text, numbered(lines, 1, 11));
    assert.equal(
      (await read({ file_path: path, offset: 3, limit: 2 })).text,
      numbered(lines, 3, 4),
    );
    assert.equal((await read({ file_path: path, offset: 11, limit: 5 })).text, "L11:     pass");
    assert.equal(
      (await read({ file_path: path, offset: 5, limit: 1, mode: "slice" })).text,
      "L5: ",
    );
  });
});

Deno.test("read_file: CRLF endings, a last line without newline, long and multibyte lines", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "b.txt");
    const long = "é".repeat(700);
    await Deno.writeTextFile(path, `one\r\ntwo\r\n${long}\nlast`);
    const { text } = await read({ file_path: path });
    assert.equal(text, ["L1: one", "L2: two", `L3: ${"é".repeat(500)}`, "L4: last"].join("\n"));
    const emoji = join(dir, "c.txt");
    await Deno.writeTextFile(emoji, "😀".repeat(600) + "\n");
    assert.equal((await read({ file_path: emoji })).text, `L1: ${"😀".repeat(500)}`);
  });
});

Deno.test("read_file: every error path", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "a.py");
    await Deno.writeTextFile(path, PY);
    const empty = join(dir, "empty.txt");
    await Deno.writeTextFile(empty, "");
    const cases: [Record<string, unknown>, string][] = [
      [{ file_path: "a.py" }, "Error: `file_path` must be an absolute path."],
      [{ file_path: path, offset: 0 }, "Error: `offset` must be a 1-indexed line number."],
      [{ file_path: path, limit: 0 }, "Error: `limit` must be greater than zero."],
      [{ file_path: join(dir, "nope") }, `Error: \`${join(dir, "nope")}\` does not exist.`],
      [{ file_path: dir }, `Error: \`${dir}\` is not a file.`],
      [{ file_path: path, offset: 12 }, "Error: `offset` exceeds file length."],
      [{ file_path: empty }, "Error: `offset` exceeds file length."],
      [
        { file_path: path, mode: "indentation", indentation: { anchor_line: 0 } },
        "Error: `anchor_line` must be a 1-indexed line number.",
      ],
      [
        { file_path: path, mode: "indentation", indentation: { anchor_line: 12 } },
        "Error: `anchor_line` exceeds file length.",
      ],
      [
        { file_path: path, mode: "indentation", indentation: { max_lines: 0 } },
        "Error: `max_lines` must be greater than zero.",
      ],
    ];
    for (const [args, message] of cases) {
      const res = await read(args);
      assert.equal(res.text, message, JSON.stringify(args));
      assert.equal(res.ok, false);
    }
    const badMode = await read({ file_path: path, mode: "whole" });
    assert.equal(badMode.ok, false);
    assert.match(badMode.text, /mode/);
    const badLevels = await read({
      file_path: path,
      mode: "indentation",
      indentation: { max_levels: -1 },
    });
    assert.equal(badLevels.ok, false);
    assert.match(badLevels.text, /max_levels/);
  });
});

Deno.test("read_file: indentation mode picks the block around the anchor", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "a.py");
    await Deno.writeTextFile(path, PY);
    const lines = PY.split("\n");
    const ind = (indentation: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      read({ file_path: path, mode: "indentation", indentation, ...extra }).then((r) => r.text);
    // One level up: the enclosing method, plus one line at that level on each side.
    assert.equal(await ind({ anchor_line: 3, max_levels: 1 }), numbered(lines, 2, 6));
    // Siblings keep going at the floor level; trailing blank lines are trimmed.
    assert.equal(
      await ind({ anchor_line: 3, max_levels: 1, include_siblings: true }),
      numbered(lines, 2, 8),
    );
    // max_levels 0: no floor, the whole file.
    assert.equal(await ind({ anchor_line: 3 }), numbered(lines, 1, 11));
    // The anchor defaults to `offset`. Going up, the comment at the floor is a header, and the
    // blank line 5 inherits line 4's depth, so the walk continues into `a` until `def a`.
    assert.equal(await ind({ max_levels: 1 }, { offset: 8 }), numbered(lines, 3, 8));
    // max_lines caps the block.
    assert.equal(await ind({ anchor_line: 3, max_lines: 1 }), "L3:         x = 1");
    assert.equal(await ind({ anchor_line: 3, max_lines: 3 }), numbered(lines, 2, 4));
  });
});

Deno.test("read_file: include_header keeps comment lines above the block", async () => {
  await withDir(async (dir) => {
    const src = [
      "import os",
      "",
      "# Adds numbers.",
      "# Second line.",
      "def add(a, b):",
      "    total = a + b",
      "    return total",
      "",
      "def other():",
      "    pass",
    ];
    const path = join(dir, "h.py");
    await Deno.writeTextFile(path, src.join("\n"));
    const withHeader = await read({
      file_path: path,
      mode: "indentation",
      indentation: { anchor_line: 6, max_levels: 1 },
    });
    // One line at the floor below (`def other():`) and its body; comments above are headers.
    assert.equal(withHeader.text, numbered(src, 3, 10));
    const noHeader = await read({
      file_path: path,
      mode: "indentation",
      indentation: { anchor_line: 6, max_levels: 1, include_header: false },
    });
    assert.equal(noHeader.text, numbered(src, 5, 10));
  });
});

/** A file of nested blocks with blank lines, for comparing windowed reads with whole-file ones. */
function generatedSource(lines: number, seed: number): string[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  let depth = 0;
  for (let i = 0; i < lines; i++) {
    const r = rnd();
    if (r < 0.12) {
      out.push(r < 0.06 ? "" : "   \t ");
      continue;
    }
    if (r < 0.3 && depth < 6) depth++;
    else if (r < 0.5 && depth > 0) depth--;
    const indent = rnd() < 0.2 ? "\t".repeat(depth) : "    ".repeat(depth);
    out.push(`${indent}${rnd() < 0.1 ? "# note" : "stmt"} ${i + 1}`);
  }
  return out;
}

Deno.test("read_file: windowed indentation reads equal a whole-file computation", async () => {
  await withDir(async (dir) => {
    const src = generatedSource(600, 7);
    const path = join(dir, "gen.txt");
    await Deno.writeTextFile(path, src.join("\n") + "\n");
    const all: BlockLine[] = src.map((text, i) => ({
      number: i + 1,
      text,
      blank: text.trim() === "",
    }));
    const tool = createReadFileTool();
    for (let k = 0; k < 120; k++) {
      const anchor = 1 + ((k * 37) % src.length);
      const maxLevels = k % 4;
      const cap = 1 + ((k * 13) % 40);
      const includeSiblings = k % 3 === 0;
      const includeHeader = k % 5 !== 0;
      const want = indentationBlock(all, anchor - 1, 0, {
        maxLevels,
        includeSiblings,
        includeHeader,
        cap,
      }).map((l) => `L${l.number}: ${l.text}`).join("\n");
      const res = await tool.run(
        JSON.stringify({
          file_path: path,
          mode: "indentation",
          limit: cap,
          indentation: {
            anchor_line: anchor,
            max_levels: maxLevels,
            include_siblings: includeSiblings,
            include_header: includeHeader,
          },
        }),
        context(dir),
      );
      assert.equal(res.output, want, `anchor ${anchor} levels ${maxLevels} cap ${cap}`);
    }
  });
});

Deno.test("read_file: blank lines at the window's top inherit the depth of an earlier line", async () => {
  await withDir(async (dir) => {
    const src = ["top", "        deep", ...Array(28).fill(""), "    mid", "  x"];
    const path = join(dir, "blank.txt");
    await Deno.writeTextFile(path, src.join("\n"));
    // Lines 27-30 are blank and inherit depth 8 from line 2, far above the 4-line window.
    const res = await read({
      file_path: path,
      mode: "indentation",
      limit: 4,
      indentation: { anchor_line: 30, max_levels: 1 },
    });
    assert.equal(res.text, "L31:     mid");
    const all = src.map((text, i) => ({ number: i + 1, text, blank: text.trim() === "" }));
    const whole = indentationBlock(all, 29, 0, {
      maxLevels: 1,
      includeSiblings: false,
      includeHeader: true,
      cap: 4,
    });
    assert.deepEqual(whole.map((l) => l.number), [31]);
  });
});

Deno.test("read_file: slices across 1 MiB chunk boundaries match a whole-file split", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "big.log");
    const lines: string[] = [];
    for (let i = 0; i < 60000; i++) lines.push(`${i + 1}:${"abcdefghij".repeat(i % 9)}`);
    await Deno.writeTextFile(path, lines.join("\n"));
    const tool = createReadFileTool();
    for (const [offset, limit] of [[1, 3], [13000, 40], [29999, 2], [45000, 700], [59990, 50]]) {
      const res = await tool.run(JSON.stringify({ file_path: path, offset, limit }), context(dir));
      const last = Math.min(offset + limit - 1, lines.length);
      assert.equal(res.output, numbered(lines, offset, last), `offset ${offset}`);
    }
    // The line marks remembered by the first reads are dropped when the file changes.
    const changed = lines.map((l) => `x${l}`);
    await Deno.writeTextFile(path, changed.join("\n"));
    const res = await tool.run(
      JSON.stringify({ file_path: path, offset: 45000, limit: 3 }),
      context(dir),
    );
    assert.equal(res.output, numbered(changed, 45000, 45002));
  });
});

Deno.test("line window: marks let a deep read start midway and give the same lines", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "m.txt");
    const lines = Array.from({ length: 300000 }, (_, i) => `line ${i}`);
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const marks = new LineMarks();
    using file = await Deno.open(path);
    const first = await readLineWindow(file, 250000, 2, 100, marks);
    assert.equal(marks.size > 1, true);
    const again = await readLineWindow(file, 250000, 2, 100, marks);
    const dec = (w: typeof first) => w.lines.map((l) => new TextDecoder().decode(l.bytes));
    assert.deepEqual(dec(first), ["line 250000", "line 250001"]);
    assert.deepEqual(dec(again), dec(first));
    const tail = await readLineWindow(file, 299999, 5, 100, marks);
    assert.deepEqual(dec(tail), ["line 299999"]);
    assert.equal(tail.eof, true);
    assert.equal(tail.linesSeen, 300000);
  });
});

Deno.test("countNewlines: agrees with a byte loop at every alignment", () => {
  const bytes = new TextEncoder().encode("a\n\nbc\nd\n\n\nefg\nhijk\n\nl".repeat(50));
  for (let start = 0; start < 9; start++) {
    for (let end = bytes.length - 9; end <= bytes.length; end++) {
      const view = bytes.subarray(start, end);
      let want = 0;
      for (const b of view) if (b === 10) want++;
      assert.equal(countNewlines(view), want);
    }
  }
});

Deno.test("newline counter: the WebAssembly SIMD counter agrees with a byte loop", () => {
  assert.equal(simdNewlineCounting(), true); // Deno has WebAssembly SIMD
  const counter = createNewlineCounter();
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (const n of [0, 1, 15, 16, 63, 64, 65, 127, 128, 1000, 4099, 1 << 20]) {
    let want = 0;
    for (let i = 0; i < n; i++) {
      const b = rnd() < 0.1 ? 10 : rnd() < 0.5 ? 11 : 9;
      counter.buffer[i] = b;
      if (b === 10) want++;
    }
    assert.equal(counter.count(n), want, `n=${n}`);
    assert.equal(countNewlines(counter.buffer.subarray(0, n)), want);
  }
  const a = createNewlineCounter();
  const b = createNewlineCounter();
  a.buffer.fill(10, 0, 100);
  b.buffer.fill(0, 0, 100);
  assert.equal(a.count(100), 100);
  assert.equal(b.count(100), 0); // each counter has its own memory
});

Deno.test("read_file: is a parallel tool", () => {
  assert.equal(createReadFileTool().parallel, true);
});

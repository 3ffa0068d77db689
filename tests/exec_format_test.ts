import assert from "node:assert/strict";
import { HeadTailBuffer } from "../tools/exec/head_tail_buffer.ts";
import {
  approxTokensFromBytes,
  formatExecReply,
  formatShellReply,
  snapshotText,
  truncateOutput,
} from "../tools/exec/format.ts";
import { shellJoin, shellQuote } from "../tools/exec/shell_argv.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("format: exec reply text matches upstream's layout", () => {
  const exited = formatExecReply({
    chunkId: "a1b2c3",
    wallTimeMs: 12.34567,
    exitCode: 0,
    sessionId: null,
    originalTokenCount: 3,
    output: "hello\nworld\n",
  });
  assert.equal(
    exited,
    "Chunk ID: a1b2c3\nWall time: 0.0123 seconds\nProcess exited with code 0\n" +
      "Original token count: 3\nOutput:\nhello\nworld\n",
  );
  const running = formatExecReply({
    chunkId: "ffffff",
    wallTimeMs: 10_000,
    exitCode: null,
    sessionId: 1000,
    originalTokenCount: 0,
    output: "",
  });
  assert.equal(
    running,
    "Chunk ID: ffffff\nWall time: 10.0000 seconds\nProcess running with session ID 1000\n" +
      "Original token count: 0\nOutput:\n",
  );
});

Deno.test("format: token counts are UTF-8 bytes / 4 rounded up (fixture values)", () => {
  assert.equal(truncateOutput("hello\nworld\n").originalTokenCount, 3);
  const ls = "ls: cannot access 'does-not-exist': No such file or directory\n";
  assert.equal(truncateOutput(ls).originalTokenCount, 16);
  assert.equal(approxTokensFromBytes(0), 0);
  assert.equal(truncateOutput("é").originalTokenCount, 1);
});

Deno.test("format: output within the budget is unchanged", () => {
  const text = "x".repeat(400);
  assert.deepEqual(truncateOutput(text, 100), { text, originalTokenCount: 100 });
});

Deno.test("format: long output keeps head and tail with upstream's marker", () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `line ${String(i).padStart(4, "0")}`);
  const text = lines.join("\n") + "\n"; // 10,000 bytes
  const { text: out, originalTokenCount } = truncateOutput(text, 100); // 400-byte budget
  assert.equal(originalTokenCount, 2500);
  assert.ok(out.startsWith("Total output lines: 1000\n\nline 0000\nline 0001\n"));
  assert.ok(out.endsWith("line 0999\n"));
  // removed = ceil((10000 - 400) / 4) = 2400
  assert.match(out, /…2400 tokens truncated…/);
  const body = out.slice("Total output lines: 1000\n\n".length).replace(
    /…\d+ tokens truncated…/,
    "",
  );
  assert.equal(enc.encode(body).length, 400);
  assert.equal(body, text.slice(0, 200) + text.slice(-200));
});

Deno.test("format: truncation never splits a character", () => {
  const text = "é".repeat(1000); // 2000 bytes, every character 2 bytes
  const { text: out } = truncateOutput(text, 25); // 100 bytes: 50 + 50, both even
  assert.doesNotMatch(out, /\uFFFD/);
  const odd = "a" + "é".repeat(1000); // shifts every boundary by one
  const { text: out2 } = truncateOutput(odd, 25);
  assert.doesNotMatch(out2, /\uFFFD/);
  const kept = out2.split("\n\n")[1].replace(/…\d+ tokens truncated…/, "");
  assert.ok(enc.encode(kept).length <= 100);
});

Deno.test("format: a zero budget leaves only the marker", () => {
  const { text } = truncateOutput("abcdefgh\n", 0);
  assert.equal(text, "Total output lines: 1\n\n…3 tokens truncated…");
});

Deno.test("format: shell reply uses Exit code / one-decimal Wall time / Output", () => {
  assert.equal(
    formatShellReply({ exitCode: 0, wallTimeMs: 12, output: "ok\n" }),
    "Exit code: 0\nWall time: 0 seconds\nOutput:\nok\n",
  );
  assert.equal(
    formatShellReply({ exitCode: 2, wallTimeMs: 1549, output: "" }),
    "Exit code: 2\nWall time: 1.5 seconds\nOutput:\n",
  );
});

Deno.test("head-tail buffer: keeps head and tail, counts what it drops", () => {
  const buf = new HeadTailBuffer(10);
  buf.push(enc.encode("0123\n"));
  buf.push(enc.encode("56789abc\nefghij"));
  assert.equal(buf.totalBytes, 20);
  assert.equal(buf.retainedBytes, 10);
  const snap = buf.drain();
  assert.equal(dec.decode(snap.head), "0123\n");
  assert.equal(dec.decode(snap.tail), "efghij".slice(-5));
  assert.equal(snap.omittedBytes, 10);
  assert.equal(snap.omittedNewlines, 1);
  assert.equal(buf.totalBytes, 0);
  buf.push(enc.encode("new"));
  assert.equal(dec.decode(buf.drain().head), "new");
});

Deno.test("head-tail buffer: 1 MiB cap holds under 50 MB of input", () => {
  const buf = new HeadTailBuffer();
  const line = enc.encode("y".repeat(1023) + "\n");
  const chunk = new Uint8Array(64 * 1024);
  for (let i = 0; i < chunk.length; i += line.length) chunk.set(line, i);
  for (let i = 0; i < 800; i++) buf.push(chunk.slice());
  assert.equal(buf.retainedBytes, 1024 * 1024);
  const snap = buf.snapshot();
  assert.equal(snap.head.length + snap.tail.length, 1024 * 1024);
  assert.equal(snap.omittedBytes, 800 * 64 * 1024 - 1024 * 1024);
  const { text, originalTokenCount } = truncateOutput(snap, 10_000);
  assert.equal(originalTokenCount, (800 * 64 * 1024) / 4);
  assert.ok(text.startsWith(`Total output lines: ${800 * 64}\n\n`));
  assert.ok(text.length < 41_000);
  assert.match(snapshotText(snap), /\[\.\.\. \d+ bytes omitted \.\.\.\]/);
});

Deno.test("shell quoting: display form of commands", () => {
  assert.equal(shellJoin(["/bin/bash", "-lc", "cat hello.txt"]), "/bin/bash -lc 'cat hello.txt'");
  assert.equal(shellJoin(["/bin/bash", "-lc", "ls"]), "/bin/bash -lc ls");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote(""), "''");
});

Deno.test("head-tail buffer: random chunking matches a reference model", () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (const cap of [0, 1, 7, 64, 1000]) {
    for (let round = 0; round < 20; round++) {
      const buf = new HeadTailBuffer(cap);
      const all: number[] = [];
      const chunks = rand(12);
      for (let i = 0; i < chunks; i++) {
        const chunk = Uint8Array.from(
          { length: rand(cap * 2 + 3) },
          () => (rand(5) === 0 ? 10 : 97 + rand(26)),
        );
        all.push(...chunk);
        buf.push(chunk);
        chunk.fill(0); // the buffer must have copied it
      }
      const headCap = Math.floor(cap / 2);
      const tailCap = cap - headCap;
      const head = all.slice(0, Math.min(headCap, all.length));
      const rest = all.slice(head.length);
      const tail = rest.slice(Math.max(0, rest.length - tailCap));
      const dropped = rest.slice(0, rest.length - tail.length);
      const snap = buf.drain();
      assert.deepEqual([...snap.head], head, `cap ${cap} round ${round} head`);
      assert.deepEqual([...snap.tail], tail, `cap ${cap} round ${round} tail`);
      assert.equal(snap.omittedBytes, dropped.length);
      assert.equal(snap.omittedNewlines, dropped.filter((b) => b === 10).length);
    }
  }
});

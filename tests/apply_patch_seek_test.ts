import assert from "node:assert/strict";
import { normalisePunctuation, seekSequence } from "../tools/apply_patch/seek.ts";
import { lines, trim, trimEnd } from "../tools/apply_patch/rust_text.ts";

Deno.test("seekSequence tries exact, trailing, surrounding whitespace, then punctuation", () => {
  assert.equal(seekSequence(["foo", "bar", "baz"], ["bar", "baz"], 0, false), 1);
  assert.equal(seekSequence(["foo   ", "bar\t\t"], ["foo", "bar"], 0, false), 0);
  assert.equal(seekSequence(["    foo   ", "   bar\t"], ["foo", "bar"], 0, false), 0);
  assert.equal(seekSequence(["x \u2014 \u201Cy\u201D\u3000z"], ['x - "y" z'], 0, false), 0);
  assert.equal(seekSequence(["x - y"], ["x \u2212 y"], 0, false), 0);
  // An exact match later in the file beats a loose match earlier.
  assert.equal(seekSequence(["a ", "b", "a"], ["a"], 0, false), 2);
  assert.equal(seekSequence(["just one line"], ["too", "many", "lines"], 0, false), -1);
  assert.equal(seekSequence(["a", "b"], [], 1, false), 1);
  assert.equal(seekSequence(["a", "b", "a"], ["a"], 1, false), 2);
  assert.equal(seekSequence(["a", "b"], ["a"], 5, false), -1);
});

Deno.test("seekSequence with eof only tries the end of the file", () => {
  assert.equal(seekSequence(["a", "b", "a", "b"], ["a", "b"], 0, true), 2);
  assert.equal(seekSequence(["a", "b", "c"], ["a", "b"], 0, true), -1);
  // Never before the cursor.
  assert.equal(seekSequence(["a", "b", "a", "b"], ["a", "b"], 3, true), -1);
});

Deno.test("normalisePunctuation maps upstream's characters only", () => {
  assert.equal(
    normalisePunctuation(
      " \u2010\u2011\u2012\u2013\u2014\u2015\u2212 \u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F ",
    ),
    "------- ''''\"\"\"\"",
  );
  assert.equal(normalisePunctuation("a\u00A0b\u2002c\u202Fd\u205Fe"), "a b c d e");
  assert.equal(normalisePunctuation("\u2026\u200B\uFF0D"), "\u2026\u200B\uFF0D");
});

Deno.test("Rust-like trims and line splitting", () => {
  assert.equal(trim("\u00A0\u3000 a b \u0085\t"), "a b");
  assert.equal(trim("\uFEFFa\uFEFF"), "\uFEFFa\uFEFF");
  assert.equal(trimEnd("  a  "), "  a");
  assert.deepEqual(lines("a\r\nb\n\nc\n"), ["a", "b", "", "c"]);
  assert.deepEqual(lines(""), []);
});

import assert from "node:assert/strict";
import { APPLY_PATCH_LARK_GRAMMAR } from "../tools/apply_patch/grammar.ts";
import { ApplyPatchError } from "../tools/apply_patch/errors.ts";
import { parsePatch } from "../tools/apply_patch/parser.ts";
import { patch } from "./apply_patch_helpers.ts";

function parseError(text: string): string {
  try {
    parsePatch(text);
  } catch (err) {
    assert.ok(err instanceof ApplyPatchError);
    assert.equal(err.kind, "verification");
    return err.message;
  }
  throw new Error("expected a parse error");
}

Deno.test("grammar is byte-identical to upstream's tool shape", async () => {
  const url = new URL(
    "../../shared/fixtures/upstream-codex-0.169/tool-shapes/gpt-5.5.json",
    import.meta.url,
  );
  const tools = JSON.parse(await Deno.readTextFile(url)) as {
    name?: string;
    format?: { definition: string };
  }[];
  const upstream = tools.find((t) => t.name === "apply_patch");
  assert.equal(APPLY_PATCH_LARK_GRAMMAR, upstream?.format?.definition);
});

Deno.test("parsePatch reads add, delete, update with move and several chunks", () => {
  const { hunks } = parsePatch(patch(
    "*** Add File: dir/new.txt",
    "+one",
    "+",
    "+three",
    "*** Delete File: old.txt",
    "*** Update File: src/a.ts",
    "*** Move to: src/b.ts",
    "@@ function f() {",
    " keep",
    "-gone",
    "+added",
    "@@",
    "-tail",
    "+TAIL",
    "*** End of File",
  ));
  assert.deepEqual(hunks, [
    { type: "add", path: "dir/new.txt", contents: "one\n\nthree\n" },
    { type: "delete", path: "old.txt" },
    {
      type: "update",
      path: "src/a.ts",
      movePath: "src/b.ts",
      chunks: [
        {
          context: "function f() {",
          lines: [{ op: " ", text: "keep" }, { op: "-", text: "gone" }, { op: "+", text: "added" }],
          oldLines: ["keep", "gone"],
          newLines: ["keep", "added"],
          endOfFile: false,
        },
        {
          lines: [{ op: "-", text: "tail" }, { op: "+", text: "TAIL" }],
          oldLines: ["tail"],
          newLines: ["TAIL"],
          endOfFile: true,
        },
      ],
    },
  ]);
});

Deno.test("parsePatch is lenient like upstream", () => {
  // Surrounding whitespace, padded markers, CRLF, an Add with no lines.
  const a = parsePatch(
    "\n  *** Begin Patch  \r\n   *** Add File: x.txt   \r\n*** Add File: empty.txt\r\n *** End Patch \n\n",
  );
  assert.deepEqual(a.hunks, [
    { type: "add", path: "x.txt", contents: "" },
    { type: "add", path: "empty.txt", contents: "" },
  ]);
  // A heredoc wrapper, quoted or not.
  for (const start of ["<<'EOF'", "<<EOF", '<<"EOF"']) {
    const h = parsePatch(`${start}\n*** Begin Patch\n*** Delete File: d\n*** End Patch\nEOF\n`);
    assert.deepEqual(h.hunks, [{ type: "delete", path: "d" }]);
    assert.equal(h.patch, "*** Begin Patch\n*** Delete File: d\n*** End Patch");
  }
  // First chunk without @@; an empty line is an empty context line; padded @@ and EOF markers.
  const u = parsePatch(patch(
    "*** Update File: f",
    "*** Move to: g   ",
    " a",
    "",
    "-b",
    "@@   ",
    "-c",
    "+C",
    "*** End of File  ",
  ));
  const hunk = u.hunks[0];
  assert.equal(hunk.type, "update");
  if (hunk.type !== "update") return;
  assert.equal(hunk.movePath, "g");
  assert.deepEqual(hunk.chunks.map((c) => [c.context, c.oldLines, c.newLines, c.endOfFile]), [
    [undefined, ["a", "", "b"], ["a", ""], false],
    [undefined, ["c"], ["C"], true],
  ]);
  // A padded `@@ ctx` keeps its text without trailing blanks; leading blanks make it a context line.
  const c = parsePatch(patch("*** Update File: f", "@@ fn main()  ", "-x", "  @@", "+y"));
  const ch = c.hunks[0].type === "update" ? c.hunks[0].chunks : [];
  assert.equal(ch[0].context, "fn main()");
  assert.deepEqual(ch[0].oldLines, ["x", " @@"]);
});

Deno.test("parsePatch follows upstream 0.169 on stray markers and blank lines", () => {
  const update = (text: string) => {
    const h = parsePatch(text).hunks[0];
    assert.equal(h.type, "update");
    return h.type === "update" ? h : undefined;
  };
  // Stray `*** End of File` lines before the first chunk are ignored, also around a move.
  const a = update(
    patch("*** Update File: f", "*** End of File", "*** Move to: g", "@@", "-x", "+X"),
  );
  assert.equal(a?.movePath, "g");
  assert.deepEqual(a?.chunks.map((c) => c.oldLines), [["x"]]);
  // Blank lines after an `*** End of File` separate chunks or hunks.
  const b = update(
    patch("*** Update File: f", "@@", "-z", "+Z", "*** End of File", "  ", "\t", "@@", "-x", "+X"),
  );
  assert.deepEqual(b?.chunks.map((c) => [c.oldLines, c.endOfFile]), [[["z"], true], [
    ["x"],
    false,
  ]]);
  // A second `*** End Patch` ends the patch when only blank lines follow it.
  assert.equal(parsePatch(patch("*** Add File: q", "+q", "*** End Patch", "  ")).hunks.length, 1);
  // A header with trailing blanks ends an update; with leading blanks it is a context line.
  assert.equal(
    parsePatch(patch("*** Update File: f", "@@", "-x", "*** Add File: q  ")).hunks.length,
    2,
  );
  assert.deepEqual(
    update(patch("*** Update File: f", "@@", "-x", "  *** Add File: q"))?.chunks[0].oldLines,
    [
      "x",
      " *** Add File: q",
    ],
  );
});

Deno.test("parsePatch accepts a patch without hunks (the tool rejects it later)", () => {
  assert.deepEqual(parsePatch("*** Begin Patch\n*** End Patch").hunks, []);
});

Deno.test("parsePatch errors have upstream's texts and line numbers", () => {
  const cases: [string, string][] = [
    ["", "invalid patch: The last line of the patch must be '*** End Patch'"],
    ["hello\n", "invalid patch: The first line of the patch must be '*** Begin Patch'"],
    ["*** Begin Patch\n", "invalid patch: The last line of the patch must be '*** End Patch'"],
    [
      "*** Begin Patch\n*** Add File: f.txt\n+x\n*** End Patch\nGARBAGE\n",
      "invalid patch: The last line of the patch must be '*** End Patch'",
    ],
    [
      patch("*** Frobnicate File: a"),
      "invalid hunk at line 2, '*** Frobnicate File: a' is not a valid hunk header. Valid hunk " +
      "headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    ],
    [
      patch("*** Add File: a", "+x", "+y", "*** Bogus"),
      "invalid hunk at line 5, '*** Bogus' is not a valid hunk header. Valid hunk headers: " +
      "'*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    ],
    [
      patch("*** Add File: z.txt", "+x", "not plus"),
      "invalid hunk at line 4, 'not plus' is not a valid hunk header. Valid hunk headers: " +
      "'*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    ],
    [
      patch("*** Update File: hello.txt", "@@", "xhello"),
      "invalid hunk at line 4, Unexpected line found in update hunk: 'xhello'. Every line " +
      "should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    ],
    [
      patch("*** Update File: m.txt", "@@", "-A", "+a", "@@", "bad"),
      "invalid hunk at line 7, Unexpected line found in update hunk: 'bad'. Every line " +
      "should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    ],
    [
      patch("*** Update File: hello.txt"),
      "invalid hunk at line 2, Update file hunk for path 'hello.txt' is empty",
    ],
    [
      patch("*** Update File: m.txt", "@@", "*** End of File"),
      "invalid hunk at line 4, Update hunk does not contain any lines",
    ],
    [
      patch("*** Update File: m.txt", "@@"),
      "invalid hunk at line 4, Update hunk does not contain any lines",
    ],
    [
      patch("*** Update File: f.txt", "*** Foo"),
      "invalid hunk at line 3, Unexpected line found in update hunk: '*** Foo'. Every line " +
      "should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    ],
    [
      patch("*** Update File: f.txt", "*** Move to: g.txt", "*** End of File", "*** Move to: h"),
      "invalid hunk at line 5, Unexpected line found in update hunk: '*** Move to: h'. Every line " +
      "should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    ],
    [
      patch("*** Update File: f.txt", "@@ y", "*** Add File: q.txt\t", "+q"),
      "invalid hunk at line 4, Unexpected line found in update hunk: '*** Add File: q.txt'. Every " +
      "line should start with ' ' (context line), '+' (added line), or '-' (removed line)",
    ],
    [
      patch("*** Update File: f.txt", "@@", "-x", "+X", "*** End of File", "*** End of File"),
      "invalid hunk at line 7, Expected update hunk to start with a @@ context marker, got: " +
      "'*** End of File'",
    ],
    [
      patch("*** Update File: f.txt", "@@", "-x", "+X", "\txhello  "),
      "invalid hunk at line 6, Expected update hunk to start with a @@ context marker, got: " +
      "'\txhello  '",
    ],
    [
      patch("*** Update File: f.txt", "*** End of File"),
      "invalid hunk at line 2, Update file hunk for path 'f.txt' is empty",
    ],
    [
      patch("*** Add File: q.txt", "+q", "*** End Patch", "*** Add File: r.txt", "+r"),
      "invalid patch: The last line of the patch must be '*** End Patch'",
    ],
    [
      patch("*** Update File: f.txt", "@@ y", "*** End Patch", "garbage"),
      "invalid hunk at line 4, Update hunk does not contain any lines",
    ],
    [
      patch("*** Update File: m.txt", "@@", "-A", "+a", "xyz"),
      "invalid hunk at line 6, Expected update hunk to start with a @@ context marker, got: 'xyz'",
    ],
  ];
  for (const [text, message] of cases) {
    assert.equal(parseError(text), `apply_patch verification failed: ${message}`, text);
  }
});

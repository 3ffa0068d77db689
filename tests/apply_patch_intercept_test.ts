import assert from "node:assert/strict";
import { isBarePatch, parseApplyPatchInvocation } from "../tools/apply_patch/intercept.ts";

const BODY = "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch";

Deno.test("parseApplyPatchInvocation recognises upstream's heredoc forms", () => {
  const cases: [string, { patch: string; workdir?: string }][] = [
    [`apply_patch <<'EOF'\n${BODY}\nEOF\n`, { patch: BODY }],
    [`apply_patch <<EOF\n${BODY}\nEOF`, { patch: BODY }],
    [`applypatch <<"PATCH"\n${BODY}\nPATCH\n`, { patch: BODY }],
    [`  apply_patch   <<'EOF'\n${BODY}\n\nEOF\n\n`, { patch: BODY }],
    [`apply_patch <<-'EOF'\n\t${BODY.replaceAll("\n", "\n\t")}\n\tEOF\n`, { patch: BODY }],
    [`apply_patch<<EOF\n${BODY}\nEOF\n`, { patch: BODY }],
    [`cd sub && apply_patch <<'EOF'\n${BODY}\nEOF\n`, { patch: BODY, workdir: "sub" }],
    [`cd 'my dir' && applypatch <<EOF\n${BODY}\nEOF\n`, { patch: BODY, workdir: "my dir" }],
    [`cd "a/b" &&  apply_patch <<'EOF'\n${BODY}\nEOF\n`, { patch: BODY, workdir: "a/b" }],
    [`cd /abs/path && apply_patch <<'EOF'\n${BODY}\nEOF\n`, { patch: BODY, workdir: "/abs/path" }],
    // The body is taken verbatim up to the first delimiter line.
    [`apply_patch <<'X'\nEOF\nX\n`, { patch: "EOF" }],
  ];
  for (const [cmd, expected] of cases) {
    assert.deepEqual(parseApplyPatchInvocation(cmd), expected, cmd);
  }
});

Deno.test("parseApplyPatchInvocation rejects anything else", () => {
  const cases = [
    "ls -la",
    "apply_patch",
    `apply_patch extra-arg <<'EOF'\n${BODY}\nEOF\n`,
    `echo hi; apply_patch <<'EOF'\n${BODY}\nEOF\n`,
    `apply_patch <<'EOF'\n${BODY}\nEOF\necho done\n`,
    `apply_patch <<'EOF' && echo done\n${BODY}\nEOF\n`,
    `apply_patch <<'EOF' | cat\n${BODY}\nEOF\n`,
    `cd a b && apply_patch <<'EOF'\n${BODY}\nEOF\n`,
    `cd -P a && apply_patch <<'EOF'\n${BODY}\nEOF\n`,
    `cd "$HOME" && apply_patch <<'EOF'\n${BODY}\nEOF\n`,
    `cd a || apply_patch <<'EOF'\n${BODY}\nEOF\n`,
    `cd a; apply_patch <<'EOF'\n${BODY}\nEOF\n`,
    `apply_patch <<'EOF'\n${BODY}\n`,
    `apply_patch_v2 <<'EOF'\n${BODY}\nEOF\n`,
    `apply_patch "${BODY}"`,
    `git apply <<'EOF'\n${BODY}\nEOF\n`,
  ];
  for (const cmd of cases) assert.equal(parseApplyPatchInvocation(cmd), null, cmd);
});

Deno.test("isBarePatch spots a script that is only a patch", () => {
  assert.equal(isBarePatch(`${BODY}\n`), true);
  assert.equal(isBarePatch(`  ${BODY}`), true);
  assert.equal(isBarePatch("*** Begin Patch\nnot a patch"), false);
  assert.equal(isBarePatch("echo '*** Begin Patch'"), false);
});

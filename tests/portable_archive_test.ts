import assert from "node:assert/strict";
import { decodeArchive, encodeArchive, gzip, unsafePathReason } from "../lib/portable/archive.ts";

const enc = new TextEncoder();
const file = (path: string, text: string) => ({ path, data: enc.encode(text) });

/** Builds an archive without any validation (what an attacker could craft). */
function rawArchive(entries: { path: string; data: Uint8Array }[], opts: { magic?: string } = {}) {
  const parts: number[] = [...enc.encode(opts.magic ?? "DCA1")];
  const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  parts.push(...u32(entries.length));
  for (const e of entries) {
    const name = enc.encode(e.path);
    parts.push(
      (name.length >> 8) & 255,
      name.length & 255,
      ...name,
      ...u32(e.data.length),
      ...e.data,
    );
  }
  return new Uint8Array(parts);
}

Deno.test("encodeArchive() is deterministic and decodeArchive() round-trips", async () => {
  const files = [
    file("skills/b/SKILL.md", "b"),
    file("config.toml", 'model = "x"\n'),
    file(".env", "K=v\n"),
    file("skills/a/SKILL.md", ""),
  ];
  const a = await encodeArchive(files);
  const b = await encodeArchive([...files].reverse());
  assert.deepEqual(a, b);
  const back = await decodeArchive(a);
  assert.deepEqual(back.map((f) => f.path), [
    ".env",
    "config.toml",
    "skills/a/SKILL.md",
    "skills/b/SKILL.md",
  ]);
  assert.equal(new TextDecoder().decode(back[1].data), 'model = "x"\n');
});

Deno.test("unsafePathReason() flags every escape form", () => {
  for (
    const p of [
      "",
      "/etc/passwd",
      "../x",
      "a/../../x",
      "a/./b",
      "a//b",
      "a/",
      "a\\b",
      "C:x",
      "a\0b",
    ]
  ) {
    assert.ok(unsafePathReason(p), p);
  }
  for (const p of ["config.toml", ".env", "skills/a b/SKILL.md", "skills/..hidden/x"]) {
    assert.equal(unsafePathReason(p), undefined, p);
  }
});

Deno.test("decodeArchive() refuses crafted archives with unsafe entries", async () => {
  const bad = [
    [{ path: "../evil", data: enc.encode("x") }],
    [{ path: "/etc/evil", data: enc.encode("x") }],
    [{ path: "skills/../../evil", data: enc.encode("x") }],
    [{ path: "a", data: enc.encode("1") }, { path: "a", data: enc.encode("2") }],
    [{ path: "a", data: enc.encode("1") }, { path: "a/b", data: enc.encode("2") }],
  ];
  for (const entries of bad) {
    await assert.rejects(
      async () => await decodeArchive(await gzip(rawArchive(entries))),
      /bundle refused/,
      entries.map((e) => e.path).join(","),
    );
  }
  // encodeArchive refuses them too
  await assert.rejects(() => encodeArchive([file("../x", "")]), /unsafe entry/);
});

Deno.test("decodeArchive() refuses truncation, trailing bytes, foreign formats and bombs", async () => {
  const good = rawArchive([{ path: "config.toml", data: enc.encode("0123456789") }]);
  await assert.rejects(
    async () => decodeArchive(await gzip(good.slice(0, good.length - 3))),
    /truncated/,
  );
  await assert.rejects(
    async () => decodeArchive(await gzip(new Uint8Array([...good, 1]))),
    /trailing bytes/,
  );
  await assert.rejects(
    async () => decodeArchive(await gzip(rawArchive([], { magic: "PK\x03\x04" }))),
    /unknown archive format/,
  );
  await assert.rejects(() => decodeArchive(enc.encode("not gzip at all")), /not valid gzip/);
  const gz = await gzip(good);
  await assert.rejects(() => decodeArchive(gz.slice(0, gz.length - 4)), /bundle refused/);
  const big = await encodeArchive([{ path: "config.toml", data: new Uint8Array(100_000) }]);
  await assert.rejects(() => decodeArchive(big, 10_000), /more than 10000 bytes/);
});

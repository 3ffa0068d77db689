import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { createViewImageTool } from "../tools/view_image.ts";
import { toolSpec } from "../tools/define.ts";
import { sharedToolShapes, toolContext as context, withoutDescriptions } from "./helpers.ts";
import { sniffImageMime } from "../tools/fs/image_mime.ts";

/** upstream-codex-0.169/tool-shapes/gpt-5.5.json, entry `view_image`. */
const FIXTURE = {
  type: "function",
  name: "view_image",
  strict: false,
  parameters: {
    type: "object",
    properties: { path: { type: "string" } },
    required: ["path"],
    additionalProperties: false,
  },
};

/** A real 1x1 PNG. */
const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("view_image: schema equals upstream's shape (descriptions excluded)", () => {
  assert.equal(
    JSON.stringify(withoutDescriptions(toolSpec(createViewImageTool()))),
    JSON.stringify(FIXTURE),
  );
  assert.equal(createViewImageTool().parallel, true);
});

const shared = sharedToolShapes();

Deno.test({
  name: "view_image: embedded fixture matches the shared upstream capture",
  ignore: shared === undefined,
  fn: () => {
    const entry = shared!.find((t) => t.name === "view_image");
    assert.equal(JSON.stringify(entry), JSON.stringify(FIXTURE));
  },
});

Deno.test("view_image: a relative PNG path becomes an input_image data URL", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(join(dir, "shots"));
    await Deno.writeFile(join(dir, "shots", "pixel.png"), PNG_1X1);
    const res = await createViewImageTool().run(
      JSON.stringify({ path: "shots/pixel.png" }),
      context(dir),
    );
    assert.notEqual(res.success, false);
    assert.deepEqual(res.output, [{
      type: "input_image",
      image_url: `data:image/png;base64,${PNG_1X1.toString("base64")}`,
    }]);
  });
});

Deno.test("view_image: the type comes from magic bytes, not the file name", async () => {
  await withDir(async (dir) => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
    await Deno.writeFile(join(dir, "photo.png"), jpeg);
    const res = await createViewImageTool().run(
      JSON.stringify({ path: join(dir, "photo.png") }),
      context("/"),
    );
    const parts = res.output as { type: string; image_url: string }[];
    assert.equal(parts[0]!.image_url.startsWith("data:image/jpeg;base64,"), true);
  });
});

Deno.test("view_image: sniffs PNG, JPEG, GIF and WebP", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(sniffImageMime(PNG_1X1.subarray(0, 12)), "image/png");
  assert.equal(sniffImageMime(new Uint8Array([0xff, 0xd8, 0xff, 0xdb])), "image/jpeg");
  assert.equal(sniffImageMime(enc("GIF89a......")), "image/gif");
  assert.equal(sniffImageMime(enc("GIF87a......")), "image/gif");
  assert.equal(sniffImageMime(enc("RIFF\x10\0\0\0WEBPVP8 ")), "image/webp");
  assert.equal(sniffImageMime(enc("RIFF\x10\0\0\0WAVEfmt ")), undefined);
  assert.equal(sniffImageMime(enc("<svg></svg>")), undefined);
  assert.equal(sniffImageMime(new Uint8Array([0x89, 0x50])), undefined);
});

Deno.test("view_image: missing file, directory, FIFO, non-image, empty path and size limit errors", async () => {
  await withDir(async (dir) => {
    const tool = createViewImageTool({ maxBytes: 64 });
    const ctx = context(dir);
    const missing = await tool.run(JSON.stringify({ path: "nope.png" }), ctx);
    assert.equal(missing.success, false);
    assert.equal(missing.output, `Error: unable to locate image at \`${join(dir, "nope.png")}\`.`);

    const folder = await tool.run(JSON.stringify({ path: "." }), ctx);
    assert.equal(folder.success, false);
    assert.equal(folder.output, `Error: image path \`${dir}\` is not a file.`);

    await Deno.writeTextFile(join(dir, "notes.png"), "just text, not an image");
    const text = await tool.run(JSON.stringify({ path: "notes.png" }), ctx);
    assert.equal(text.success, false);
    assert.match(String(text.output), /does not look like an image file/);

    await Deno.writeFile(join(dir, "empty.gif"), new Uint8Array());
    const empty = await tool.run(JSON.stringify({ path: "empty.gif" }), ctx);
    assert.match(String(empty.output), /does not look like an image file/);

    const big = new Uint8Array(100);
    big.set(PNG_1X1.subarray(0, 8));
    await Deno.writeFile(join(dir, "big.png"), big);
    const tooBig = await tool.run(JSON.stringify({ path: "big.png" }), ctx);
    assert.equal(tooBig.success, false);
    assert.match(String(tooBig.output), /is 100 bytes, over the 64-byte limit/);

    const made = await new Deno.Command("mkfifo", { args: [join(dir, "pipe.png")] }).output();
    assert.equal(made.code, 0);
    const fifo = await tool.run(JSON.stringify({ path: "pipe.png" }), ctx);
    assert.equal(fifo.output, `Error: image path \`${join(dir, "pipe.png")}\` is not a file.`);

    const blank = await tool.run(JSON.stringify({ path: "" }), ctx);
    assert.equal(blank.output, "Error: `path` is required.");

    const wrongType = await tool.run(JSON.stringify({ path: 3 }), ctx);
    assert.equal(wrongType.success, false);
  });
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { makePolicy, type SandboxMode } from "../lib/sandbox/policy.ts";
import { wrapCommand } from "../lib/sandbox/bwrap.ts";
import {
  createSandboxWrapper,
  sandboxAvailable,
  SandboxUnavailableError,
} from "../lib/sandbox/detect.ts";

const BASH = "/bin/bash";

/** A temp dir outside /tmp (which the sandbox replaces with a private tmpfs). */
async function outsideDir(): Promise<string> {
  for (const dir of ["/var/tmp", Deno.env.get("HOME") ?? ""]) {
    try {
      if (dir && Deno.statSync(dir).isDirectory) return await Deno.makeTempDir({ dir });
    } catch { /* try the next */ }
  }
  throw new Error("no writable folder outside /tmp for the test");
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(argv[0], { args: argv.slice(1), stdin: "null" }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

async function sandboxed(
  mode: SandboxMode,
  ws: string,
  script: string,
  opts: { roots?: string[]; network?: boolean } = {},
) {
  const wrap = createSandboxWrapper();
  const policy = makePolicy(mode, ws, opts.roots ?? [], opts.network ?? false);
  return run(await wrap([BASH, "-c", script], policy, { cwd: ws }));
}

async function withDirs(fn: (ws: string, outside: string) => Promise<void>) {
  const ws = await Deno.makeTempDir();
  const outside = await outsideDir();
  try {
    await fn(ws, outside);
  } finally {
    await Deno.remove(ws, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("sandbox: bubblewrap is available on this machine", async () => {
  const probe = await sandboxAvailable();
  assert.equal(probe.available, true, JSON.stringify(probe));
});

Deno.test("sandbox: wrapCommand builds a confining bwrap line", () => {
  const policy = makePolicy("workspace-write", "/ws", ["/extra"]);
  const argv = wrapCommand(["/bin/bash", "-lc", "ls"], policy, {
    cwd: "/ws/sub",
    bwrapPath: "/usr/bin/bwrap",
    exists: () => true,
  });
  assert.equal(argv[0], "/usr/bin/bwrap");
  for (const flag of ["--unshare-user", "--unshare-net", "--die-with-parent"]) {
    assert.ok(argv.includes(flag), flag);
  }
  assert.ok(!argv.includes("--new-session"));
  const joined = argv.join(" ");
  assert.match(joined, /--cap-drop ALL/);
  assert.match(joined, /--ro-bind \/ \/ .*--tmpfs \/tmp --bind \/ws \/ws --bind \/extra \/extra/);
  assert.match(joined, /--chdir \/ws\/sub -- \/bin\/bash -lc ls$/);

  const open = wrapCommand(["true"], makePolicy("workspace-write", "/ws", [], true), {
    cwd: "/ws",
    exists: () => true,
  });
  assert.ok(!open.includes("--unshare-net"));

  const ro = wrapCommand(["true"], makePolicy("read-only", "/ws"), {
    cwd: "/ws",
    exists: () => true,
  });
  assert.ok(!ro.includes("--bind") && !ro.includes("--tmpfs"));
  assert.ok(ro.includes("--unshare-user") && ro.includes("ALL"));

  const full = wrapCommand(["a", "b"], makePolicy("danger-full-access", "/ws"), { cwd: "/ws" });
  assert.deepEqual(full, ["a", "b"]);
});

Deno.test("sandbox: workspace-write allows the workspace and refuses elsewhere", async () => {
  await withDirs(async (ws, outside) => {
    const r = await sandboxed(
      "workspace-write",
      ws,
      `echo in > ${ws}/inside.txt && echo wrote-inside; echo out > ${outside}/x.txt; ` +
        `echo t > /tmp/private.txt && echo wrote-tmp`,
    );
    assert.match(r.out, /wrote-inside/);
    assert.match(r.out, /wrote-tmp/);
    assert.match(r.err, /Read-only file system/);
    assert.equal(Deno.readTextFileSync(join(ws, "inside.txt")), "in\n");
    assert.equal(exists(join(outside, "x.txt")), false);
    assert.equal(exists("/tmp/private.txt"), false, "the sandbox /tmp must be private");
  });
});

Deno.test("sandbox: extra writable roots are writable", async () => {
  await withDirs(async (ws, outside) => {
    const r = await sandboxed("workspace-write", ws, `echo y > ${outside}/y.txt`, {
      roots: [outside],
    });
    assert.equal(r.code, 0, r.err);
    assert.equal(Deno.readTextFileSync(join(outside, "y.txt")), "y\n");
  });
});

Deno.test("sandbox: read-only refuses every write, reads still work", async () => {
  await withDirs(async (ws, outside) => {
    Deno.writeTextFileSync(join(ws, "seen.txt"), "visible");
    const r = await sandboxed(
      "read-only",
      ws,
      `cat seen.txt; echo; for f in ${ws}/a ${outside}/b /tmp/c; do ` +
        `(echo x > "$f") 2>/dev/null && echo "WROTE $f"; done; echo end`,
    );
    assert.match(r.out, /^visible\n/);
    assert.doesNotMatch(r.out, /WROTE/);
    assert.match(r.out, /end/);
    assert.equal(exists(join(ws, "a")), false);
    assert.equal(exists(join(outside, "b")), false);
  });
});

Deno.test("sandbox: network is refused unless allowed; full access is unrestricted", async () => {
  await withDirs(async (ws, outside) => {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response("ok"),
    );
    const port = server.addr.port;
    const probe =
      `(exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && echo connected || echo refused`;
    try {
      const closed = await sandboxed("workspace-write", ws, probe);
      assert.equal(closed.out.trim(), "refused");
      const ro = await sandboxed("read-only", ws, probe);
      assert.equal(ro.out.trim(), "refused");
      const open = await sandboxed("workspace-write", ws, probe, { network: true });
      assert.equal(open.out.trim(), "connected");
      const full = await sandboxed(
        "danger-full-access",
        ws,
        `${probe}; echo z > ${outside}/z.txt && echo wrote`,
      );
      assert.equal(full.out, "connected\nwrote\n");
      assert.equal(Deno.readTextFileSync(join(outside, "z.txt")), "z\n");
    } finally {
      await server.shutdown();
    }
  });
});

Deno.test("sandbox: the sandboxed command has no capabilities", async () => {
  await withDirs(async (ws) => {
    const r = await sandboxed("workspace-write", ws, "grep -E '^CapEff' /proc/self/status");
    assert.match(r.out, /CapEff:\s+0+\n/);
  });
});

Deno.test("sandbox: a missing bwrap is a clear error, never an unsandboxed run", async () => {
  const probe = await sandboxAvailable({ bwrapPath: "/nonexistent/bwrap" });
  assert.equal(probe.available, false);
  const wrap = createSandboxWrapper({ bwrapPath: "/nonexistent/bwrap" });
  const policy = makePolicy("workspace-write", "/tmp");
  await assert.rejects(
    () => wrap(["true"], policy, { cwd: "/tmp" }),
    (err: unknown) => {
      assert.ok(err instanceof SandboxUnavailableError);
      assert.match(err.message, /workspace-write sandbox cannot be set up/);
      assert.match(err.message, /Install bubblewrap/);
      assert.match(err.message, /danger-full-access/);
      return true;
    },
  );
  const noPath = createSandboxWrapper({ env: { PATH: "/nonexistent" } });
  await assert.rejects(() => noPath(["true"], makePolicy("read-only", "/tmp"), { cwd: "/tmp" }), {
    message: /bwrap not found on PATH/,
  });
  // danger-full-access needs no sandbox at all.
  assert.deepEqual(
    await wrap(["true"], makePolicy("danger-full-access", "/tmp"), { cwd: "/tmp" }),
    ["true"],
  );
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { doctorCommand, type DoctorReport, makeRedactor } from "../lib/cli/doctor.ts";
import { sandboxAvailable } from "../lib/sandbox/detect.ts";
import { type Script, startFakeResponses } from "./fakes/responses_server.ts";

const KEY = "sk-doctor-7c1e9b2a4f6d8e0c";
const OTHER = "hunter2-dotenv-value";
const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

interface Setup {
  dir: string;
  home: string;
  env: Record<string, string>;
}

async function withHome(
  config: string,
  dotenv: string | undefined,
  fn: (s: Setup) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dcx-doctor-" });
  const home = join(dir, "codex");
  await Deno.mkdir(home);
  await Deno.writeTextFile(join(home, "config.toml"), config);
  if (dotenv !== undefined) {
    await Deno.writeTextFile(join(home, ".env"), dotenv, { mode: 0o600 });
    await Deno.chmod(join(home, ".env"), 0o600);
  }
  try {
    await fn({ dir, home, env: { CODEX_HOME: home, HOME: dir, PATH, SHELL: "/bin/sh" } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function providerConfig(baseUrl: string, extra = ""): string {
  return `model = "gpt-test"\nmodel_provider = "fake"\n${extra}\n[model_providers.fake]\nname = "Fake"\nbase_url = "${baseUrl}"\nenv_key = "FAKE_API_KEY"\n`;
}

async function runDoctor(
  args: string[],
  s: Setup,
  opts: { bwrapPath?: string } = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await doctorCommand(args, s.env, s.dir, {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    probeTimeoutMs: 3000,
    liveTimeoutMs: 10_000,
    ...opts,
  });
  return { code, out, err };
}

function byId(report: DoctorReport, id: string) {
  const c = report.checks.find((x) => x.id === id);
  assert.ok(c, `no check ${id}: ${JSON.stringify(report.checks.map((x) => x.id))}`);
  return c;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const okScript: Script = { turns: [{ output: [{ type: "message", text: "OK" }] }] };

Deno.test("doctor --json: a healthy fake provider passes every check and hides secrets", async () => {
  const fake = startFakeResponses(okScript);
  try {
    await withHome(
      providerConfig(fake.url, 'sandbox_mode = "danger-full-access"'),
      `FAKE_API_KEY=${KEY}\nOTHER_SECRET="${OTHER}"\n`,
      async (s) => {
        const { code, out, err } = await runDoctor(["--json"], s);
        assert.equal(err, "");
        const report = JSON.parse(out) as DoctorReport;
        assert.equal(report.version, 1);
        assert.deepEqual(report.checks.map((c) => c.id), [
          "config",
          "dotenv",
          "provider",
          "api_key",
          "dns",
          "tcp",
          "live",
          "sandbox",
          "git",
          "shell",
          "deno",
        ]);
        for (const c of report.checks) {
          assert.deepEqual(Object.keys(c).slice(0, 3), ["id", "status", "summary"]);
          if (c.id !== "sandbox") assert.equal(c.status, "ok", JSON.stringify(c));
        }
        assert.equal(report.ok, true);
        assert.equal(code, 0);
        assert.match(byId(report, "live").summary, /gpt-test answered in \d+\.\d\ds: "OK"/);
        assert.match(
          byId(report, "dotenv").summary,
          /FAKE_API_KEY=<redacted>, OTHER_SECRET=<redacted>/,
        );
        assert.match(
          byId(report, "api_key").summary,
          /FAKE_API_KEY is set \(from \.env, \d+ characters\)/,
        );
        assert.match(
          byId(report, "provider").summary,
          /^fake \(Fake\) at http:\/\/127\.0\.0\.1:\d+\/v1, model gpt-test/,
        );
        assert.ok(!out.includes(KEY) && !out.includes(OTHER));

        const req = fake.responsesRequests()[0];
        assert.equal(req.path, "/v1/responses");
        assert.equal(req.headers.authorization, `Bearer ${KEY}`);
        assert.equal(req.body?.stream, true);
        assert.equal(req.body?.model, "gpt-test");
      },
    );
  } finally {
    await fake.close();
  }
});

Deno.test("doctor: text report and --skip-live", async () => {
  const fake = startFakeResponses({ turns: [] });
  try {
    await withHome(providerConfig(fake.url), `FAKE_API_KEY=${KEY}\n`, async (s) => {
      const { out } = await runDoctor(["--skip-live"], s);
      assert.equal(fake.responsesRequests().length, 0, "no live request");
      assert.match(out, /^denocodex doctor \(denocodex \d+\.\d+\.\d+\)\n/);
      assert.match(out, /\n {2}ok {4}tcp +connected to 127\.0\.0\.1:\d+ in/);
      assert.ok(!/\blive\b/.test(out));
      assert.match(
        out,
        /\ndoctor: (all \d+ checks passed|\d+ failed, \d+ warnings? \(of \d+ checks\))\n$/,
      );
      assert.ok(!out.includes(KEY));
    });
  } finally {
    await fake.close();
  }
});

Deno.test("doctor: a refusing port fails tcp and live with what to do", async () => {
  const port = freePort();
  await withHome(
    providerConfig(`http://127.0.0.1:${port}/v1`),
    `FAKE_API_KEY=${KEY}\n`,
    async (s) => {
      const { code, out } = await runDoctor(["--json"], s);
      const report = JSON.parse(out) as DoctorReport;
      assert.equal(code, 1);
      assert.equal(report.ok, false);
      const tcp = byId(report, "tcp");
      assert.equal(tcp.status, "fail");
      assert.match(
        tcp.summary,
        new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port} \\(connection refused\\)`),
      );
      assert.match(tcp.fix!, /nothing listens/);
      assert.equal(byId(report, "live").status, "fail");
      assert.ok(!out.includes(KEY));
    },
  );
});

Deno.test("doctor: https to a server without TLS resolves, connects, then fails tls", async () => {
  await using plain = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("plain http"),
  );
  const url = `https://localhost:${plain.addr.port}/v1`;
  await withHome(providerConfig(url), `FAKE_API_KEY=${KEY}\n`, async (s) => {
    const { code, out } = await runDoctor(["--json", "--skip-live"], s);
    const report = JSON.parse(out) as DoctorReport;
    assert.equal(code, 1);
    assert.equal(byId(report, "dns").status, "ok");
    assert.match(byId(report, "dns").summary, /^localhost -> .*127\.0\.0\.1/);
    assert.equal(byId(report, "tcp").status, "ok");
    const tls = byId(report, "tls");
    assert.equal(tls.status, "fail");
    assert.match(tls.summary, new RegExp(`TLS handshake with localhost:${plain.addr.port} failed`));
    assert.ok(tls.detail && tls.fix);
  });
});

Deno.test("doctor: a bad TOML file fails the config check and skips provider checks", async () => {
  await withHome("model = [\n", `FAKE_API_KEY=${KEY}\n`, async (s) => {
    const { code, out } = await runDoctor(["--json", "--skip-live"], s);
    const report = JSON.parse(out) as DoctorReport;
    assert.equal(code, 1);
    const cfg = byId(report, "config");
    assert.equal(cfg.status, "fail");
    assert.match(cfg.detail!, /config\.toml:\d+:\d+: invalid TOML/);
    assert.ok(cfg.fix);
    const ids = report.checks.map((c) => c.id);
    for (const gone of ["provider", "api_key", "dns", "tcp", "live"]) {
      assert.ok(!ids.includes(gone), gone);
    }
    for (const still of ["dotenv", "sandbox", "git", "shell", "deno"]) {
      assert.ok(ids.includes(still), still);
    }
  });
});

Deno.test("doctor: a missing key fails api_key, skips live and names the variable", async () => {
  const fake = startFakeResponses(okScript);
  try {
    await withHome(providerConfig(fake.url), undefined, async (s) => {
      const { code, out } = await runDoctor(["--json"], s);
      const report = JSON.parse(out) as DoctorReport;
      assert.equal(code, 1);
      const key = byId(report, "api_key");
      assert.equal(key.status, "fail");
      assert.match(key.fix!, /set FAKE_API_KEY/);
      assert.match(byId(report, "dotenv").summary, /no \.env at .* \(optional\)/);
      assert.ok(!report.checks.some((c) => c.id === "live"));
      assert.equal(fake.responsesRequests().length, 0);
    });
  } finally {
    await fake.close();
  }
});

Deno.test("doctor: provider errors are explained and echoed keys are redacted", async () => {
  const fake = startFakeResponses({
    turns: [
      { fault: "http", status: 401, body: `{"error":"bad key ${KEY}"}` },
      { fault: "cut", output: [{ type: "message", text: "O" }] },
    ],
  });
  try {
    await withHome(providerConfig(fake.url), `FAKE_API_KEY=${KEY}\n`, async (s) => {
      const first = await runDoctor(["--json"], s);
      const live = byId(JSON.parse(first.out), "live");
      assert.equal(live.status, "fail");
      assert.match(live.summary, /answered HTTP 401/);
      assert.match(live.detail!, /bad key <redacted>/);
      assert.match(live.fix!, /refused the key/);
      assert.ok(!first.out.includes(KEY));

      const second = await runDoctor(["--json"], s);
      const cut = byId(JSON.parse(second.out), "live");
      assert.equal(cut.status, "fail");
      assert.match(cut.summary, /closed before response\.completed/);
    });
  } finally {
    await fake.close();
  }
});

Deno.test("doctor: a group-readable .env is a warning with the chmod fix", async () => {
  await withHome(providerConfig("http://127.0.0.1:1/v1"), `FAKE_API_KEY=${KEY}\n`, async (s) => {
    await Deno.chmod(join(s.home, ".env"), 0o644);
    const { out } = await runDoctor(["--json", "--skip-live"], s);
    const dot = byId(JSON.parse(out), "dotenv");
    assert.equal(dot.status, "warn");
    assert.equal(dot.fix, `chmod 600 ${join(s.home, ".env")}`);
  });
});

Deno.test("doctor: sandbox probe catches a bwrap that does not confine, or is missing", async () => {
  await withHome(providerConfig("http://127.0.0.1:1/v1"), undefined, async (s) => {
    // A fake "bwrap" that runs the command unconfined.
    const fakeBwrap = join(s.dir, "fake-bwrap");
    await Deno.writeTextFile(
      fakeBwrap,
      '#!/bin/sh\nwhile [ "$1" != "--" ]; do shift; done\nshift\nexec "$@"\n',
    );
    await Deno.chmod(fakeBwrap, 0o755);
    const leaky = byId(
      JSON.parse((await runDoctor(["--json", "--skip-live"], s, { bwrapPath: fakeBwrap })).out),
      "sandbox",
    );
    assert.equal(leaky.status, "fail");
    assert.match(leaky.summary, /write outside the workspace succeeded/);

    const broken = join(s.dir, "broken-bwrap");
    await Deno.writeTextFile(
      broken,
      "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n",
    );
    await Deno.chmod(broken, 0o755);
    const nous = byId(
      JSON.parse((await runDoctor(["--json", "--skip-live"], s, { bwrapPath: broken })).out),
      "sandbox",
    );
    assert.equal(nous.status, "fail");
    assert.match(nous.detail!, /uid map/);

    const missing = byId(
      JSON.parse(
        (await runDoctor(["--json", "--skip-live"], s, { bwrapPath: join(s.dir, "nope") })).out,
      ),
      "sandbox",
    );
    assert.equal(missing.status, "fail");
    assert.match(missing.fix!, /install bubblewrap/);

    await Deno.writeTextFile(join(s.home, "config.toml"), 'sandbox_mode = "danger-full-access"\n');
    const relaxed = byId(
      JSON.parse(
        (await runDoctor(["--json", "--skip-live"], s, { bwrapPath: join(s.dir, "nope") })).out,
      ),
      "sandbox",
    );
    assert.equal(relaxed.status, "warn");
  });
});

Deno.test("doctor: the real bubblewrap passes the probe where the sandbox is available", async () => {
  const probe = await sandboxAvailable();
  await withHome(providerConfig("http://127.0.0.1:1/v1"), undefined, async (s) => {
    const sandbox = byId(
      JSON.parse((await runDoctor(["--json", "--skip-live"], s)).out),
      "sandbox",
    );
    assert.equal(
      sandbox.status,
      probe.available ? "ok" : "fail",
      JSON.stringify({ probe, sandbox }),
    );
  });
});

Deno.test("doctor: bad arguments exit 2 with usage", async () => {
  await withHome("", undefined, async (s) => {
    const { code, err, out } = await runDoctor(["--jsn"], s);
    assert.equal(code, 2);
    assert.equal(out, "");
    assert.match(err, /^Error: Unknown option '--jsn'.*\nusage: denocodex doctor/);
  });
});

Deno.test("makeRedactor() hides every occurrence, longest secrets first", () => {
  const r = makeRedactor(["abcd", "abcdefgh", "x"]);
  assert.equal(r("key abcdefgh and abcd and x"), "key <redacted> and <redacted> and x");
});

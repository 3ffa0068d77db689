/**
 * Loads the effective configuration: `CODEX_HOME/.env`, `config.toml` (validated), the selected
 * profile, `-c` overrides, feature switches and command-line settings, in that order of
 * increasing precedence.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "../path.ts";
import { parse, TomlError } from "npm:smol-toml@^1.9.1";
import type { SandboxMode } from "../sandbox/policy.ts";
import type { ApprovalPolicy } from "../../tools/define.ts";
import { loadDotenv } from "./dotenv.ts";
import { ConfigError } from "./errors.ts";
import { codexHome as defaultCodexHome } from "./home.ts";
import { applyOverride, parseOverride } from "./overrides.ts";
import { type ProviderInfo, resolveProvider } from "./providers.ts";
import type { ConfigToml } from "./schema.ts";
import { checkConfig, KNOWN_TOP_LEVEL_KEYS } from "./validate.ts";

/** The model used when none is configured. */
export const DEFAULT_MODEL = "gpt-5.5";

/** Inputs of {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** The process environment (nothing is read from `Deno.env` directly). */
  env: Record<string, string | undefined>;
  /** Working directory (for relative paths in settings). */
  cwd: string;
  /** Overrides `CODEX_HOME` from `env`. */
  codexHome?: string;
  /** `-p/--profile`. */
  profile?: string;
  /** `-c key=value` specs, applied in order. */
  overrides?: string[];
  /** `--enable FEATURE`. */
  enable?: string[];
  /** `--disable FEATURE`. */
  disable?: string[];
  /** `--strict-config`: unknown keys are errors. */
  strict?: boolean;
  /** Command-line settings that win over everything (`-m`, `-s`, ...). */
  cli?: {
    model?: string;
    sandboxMode?: SandboxMode;
    approvalPolicy?: ApprovalPolicy;
    modelProvider?: string;
  };
}

/** The effective configuration of a run. */
export interface ResolvedConfig {
  codexHome: string;
  /** `CODEX_HOME/config.toml` (may not exist). */
  configPath: string;
  configExists: boolean;
  /** The merged table after profile and overrides (unknown keys included). */
  table: ConfigToml;
  profile?: string;
  model: string;
  provider: ProviderInfo;
  reasoningEffort?: string;
  reasoningSummary?: string;
  verbosity?: string;
  modelContextWindow?: number;
  autoCompactTokenLimit?: number;
  approvalPolicy: ApprovalPolicy;
  sandboxMode: SandboxMode;
  writableRoots: string[];
  networkAccess: boolean;
  baseInstructions?: string;
  developerInstructions?: string;
  personality?: string;
  projectDocMaxBytes: number;
  features: Record<string, boolean>;
  /** `[tools.update_plan] enabled`. */
  updatePlanTool: boolean;
  webSearchTool: boolean;
  /** `[history] persistence`. */
  persistHistory: boolean;
  agents: { maxThreads: number; maxDepth: number };
  /** Environment after `.env`. */
  env: Record<string, string>;
  /** Keys taken from `CODEX_HOME/.env`. */
  dotenvKeys: string[];
  /** Dotted names of keys this version does not know. */
  unknownKeys: string[];
}

/** Upstream's default `project_doc_max_bytes` (32 KiB). */
export const DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024;

function clean(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

/** Reads and parses `path`; a missing file is an empty table. */
export async function readConfigToml(
  path: string,
): Promise<{ table: Record<string, unknown>; exists: boolean }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { table: {}, exists: false };
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return { table: structuredClone(parse(text)) as Record<string, unknown>, exists: true };
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      throw new ConfigError(
        `${path}:${err.line}:${err.column}: invalid TOML: ${reason}; fix the file and run again`,
      );
    }
    throw err;
  }
}

/** Loads the configuration. Throws {@linkcode ConfigError} with a one-line message on problems. */
export async function loadConfig(opts: LoadConfigOptions): Promise<ResolvedConfig> {
  const home = opts.codexHome ? resolve(opts.cwd, opts.codexHome) : defaultCodexHome(opts.env);
  const dot = await loadDotenv(join(home, ".env"), opts.env);
  const env = dot.env;
  const configPath = join(home, "config.toml");
  const { table: raw, exists } = await readConfigToml(configPath);

  // Overrides apply to the raw table (before the profile is chosen, as upstream).
  for (const spec of opts.overrides ?? []) applyOverride(raw, parseOverride(spec));

  const checked = await checkConfig(raw);
  if (!checked.ok) {
    throw new ConfigError(
      `${configPath}: invalid value for '${checked.path || "(top level)"}': ${checked.message}`,
    );
  }
  const base = checked.config;

  const unknownKeys = Object.keys(base).filter((k) => !KNOWN_TOP_LEVEL_KEYS.has(k));
  if (opts.strict && unknownKeys.length) {
    throw new ConfigError(
      `${configPath}: unknown key${unknownKeys.length > 1 ? "s" : ""} ${
        unknownKeys.join(", ")
      } (remove them or drop --strict-config)`,
    );
  }

  const profileName = opts.profile ?? base.profile;
  let merged: ConfigToml = base;
  if (profileName !== undefined) {
    const profiles = base.profiles ?? {};
    const profile = profiles[profileName];
    if (!profile) {
      const known = Object.keys(profiles);
      throw new ConfigError(
        `unknown profile '${profileName}'; ${
          known.length ? `known profiles: ${known.join(", ")}` : "config.toml defines no [profiles]"
        }`,
      );
    }
    merged = {
      ...base,
      ...profile,
      features: { ...base.features, ...profile.features },
    };
  }

  const features: Record<string, boolean> = { ...merged.features };
  for (const f of opts.enable ?? []) features[f] = true;
  for (const f of opts.disable ?? []) features[f] = false;

  const providerId = opts.cli?.modelProvider ?? merged.model_provider ?? "openai";
  const provider = resolveProvider(
    providerId,
    merged.model_providers ?? {},
    merged.openai_base_url ?? env.OPENAI_BASE_URL,
  );

  let baseInstructions = clean(merged.base_instructions);
  if (!baseInstructions && merged.model_instructions_file) {
    const file = isAbsolute(merged.model_instructions_file)
      ? merged.model_instructions_file
      : join(home, merged.model_instructions_file);
    try {
      baseInstructions = clean(await Deno.readTextFile(file));
    } catch (err) {
      throw new ConfigError(
        `cannot read model_instructions_file ${file}: ${(err as Error).message}`,
      );
    }
  }

  const ws = merged.sandbox_workspace_write ?? {};
  const webSearch = merged.tools?.web_search;
  return {
    codexHome: home,
    configPath,
    configExists: exists,
    table: merged,
    profile: profileName,
    model: opts.cli?.model ?? merged.model ?? DEFAULT_MODEL,
    provider,
    reasoningEffort: merged.model_reasoning_effort,
    reasoningSummary: merged.model_reasoning_summary,
    verbosity: merged.model_verbosity,
    modelContextWindow: merged.model_context_window,
    autoCompactTokenLimit: merged.model_auto_compact_token_limit,
    approvalPolicy: opts.cli?.approvalPolicy ?? merged.approval_policy ?? "on-request",
    sandboxMode: opts.cli?.sandboxMode ?? merged.sandbox_mode ?? "read-only",
    writableRoots: (ws.writable_roots ?? []).map((p) => resolve(opts.cwd, p)),
    networkAccess: ws.network_access ?? false,
    baseInstructions,
    developerInstructions: clean(merged.developer_instructions),
    personality: merged.personality,
    projectDocMaxBytes: merged.project_doc_max_bytes ?? DEFAULT_PROJECT_DOC_MAX_BYTES,
    features,
    updatePlanTool: merged.tools?.update_plan?.enabled ?? false,
    webSearchTool: typeof webSearch === "boolean" ? webSearch : webSearch?.enabled ?? true,
    persistHistory: merged.history?.persistence !== "none",
    agents: {
      maxThreads: merged.agents?.max_threads ?? 6,
      maxDepth: merged.agents?.max_depth ?? 1,
    },
    env,
    dotenvKeys: dot.loaded,
    unknownKeys,
  };
}

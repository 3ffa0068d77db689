/**
 * The zod schema of `config.toml`. Unknown keys are kept (reported, not fatal, unless
 * `--strict-config`), so a config written for a newer upstream Codex still loads.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";

const sandboxMode = z.enum(["read-only", "workspace-write", "danger-full-access"]);
const approvalPolicy = z.enum(["untrusted", "on-request", "on-failure", "never"]);
const effort = z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]);
const summary = z.enum(["auto", "concise", "detailed", "none"]);
const verbosity = z.enum(["low", "medium", "high"]);

/** `[model_providers.<id>]`. */
export const providerSchema = z.looseObject({
  name: z.string().optional(),
  base_url: z.string().optional(),
  env_key: z.string().optional(),
  env_key_instructions: z.string().optional(),
  wire_api: z.string().optional(),
  http_headers: z.record(z.string(), z.string()).optional(),
  env_http_headers: z.record(z.string(), z.string()).optional(),
  query_params: z.record(z.string(), z.string()).optional(),
  request_max_retries: z.number().int().min(0).max(100).optional(),
  stream_max_retries: z.number().int().min(0).max(100).optional(),
  stream_idle_timeout_ms: z.number().int().positive().optional(),
  requires_openai_auth: z.boolean().optional(),
});

/** Keys that may appear at the top level and inside `[profiles.<name>]`. */
const modelSettings = {
  model: z.string().optional(),
  model_provider: z.string().optional(),
  model_reasoning_effort: effort.optional(),
  model_reasoning_summary: summary.optional(),
  model_verbosity: verbosity.optional(),
  model_context_window: z.number().int().positive().optional(),
  model_auto_compact_token_limit: z.number().int().positive().optional(),
  approval_policy: approvalPolicy.optional(),
  sandbox_mode: sandboxMode.optional(),
  base_instructions: z.string().optional(),
  developer_instructions: z.string().optional(),
  model_instructions_file: z.string().optional(),
  personality: z.string().optional(),
  openai_base_url: z.string().optional(),
};

/** `[profiles.<name>]`. */
export const profileSchema = z.looseObject({
  ...modelSettings,
  features: z.record(z.string(), z.boolean()).optional(),
});

/** The whole `config.toml`. */
export const configSchema = z.looseObject({
  ...modelSettings,
  profile: z.string().optional(),
  profiles: z.record(z.string(), profileSchema).optional(),
  model_providers: z.record(z.string(), providerSchema).optional(),
  sandbox_workspace_write: z.looseObject({
    writable_roots: z.array(z.string()).optional(),
    network_access: z.boolean().optional(),
    exclude_tmpdir_env_var: z.boolean().optional(),
    exclude_slash_tmp: z.boolean().optional(),
  }).optional(),
  project_doc_max_bytes: z.number().int().min(0).optional(),
  project_doc_fallback_filenames: z.array(z.string()).optional(),
  features: z.record(z.string(), z.boolean()).optional(),
  tools: z.looseObject({
    update_plan: z.looseObject({ enabled: z.boolean().optional() }).optional(),
    web_search: z.union([z.boolean(), z.looseObject({ enabled: z.boolean().optional() })])
      .optional(),
    view_image: z.union([z.boolean(), z.looseObject({ enabled: z.boolean().optional() })])
      .optional(),
    extra: z.array(z.string()).optional(),
  }).optional(),
  history: z.looseObject({
    persistence: z.enum(["save-all", "none"]).optional(),
    max_bytes: z.number().int().positive().optional(),
  }).optional(),
  agents: z.looseObject({
    max_threads: z.number().int().positive().optional(),
    max_depth: z.number().int().positive().optional(),
  }).optional(),
  shell_environment_policy: z.looseObject({}).optional(),
  check_for_update_on_startup: z.boolean().optional(),
  analytics: z.looseObject({ enabled: z.boolean().optional() }).optional(),
  feedback: z.looseObject({ enabled: z.boolean().optional() }).optional(),
  notify: z.array(z.string()).optional(),
  mcp_servers: z.record(z.string(), z.unknown()).optional(),
  tui: z.record(z.string(), z.unknown()).optional(),
  projects: z.record(z.string(), z.unknown()).optional(),
});

/** A parsed `config.toml`. */
export type ConfigToml = z.infer<typeof configSchema>;
/** A parsed `[profiles.<name>]`. */
export type ProfileToml = z.infer<typeof profileSchema>;
/** A parsed `[model_providers.<id>]`. */
export type ProviderToml = z.infer<typeof providerSchema>;

/**
 * Slash commands of the session: the table shown by `/help` and the completion popup, and the
 * parser that tells a command from a message (`/usr/bin is odd` is a message).
 *
 * @module
 */

/** One slash command. */
export interface SlashCommand {
  name: string;
  args?: string;
  description: string;
}

/** Every command, in the order `/help` lists them. */
export const SLASH_COMMANDS: readonly SlashCommand[] = [
  {
    name: "model",
    args: "[name]",
    description: "show the models or switch the model for later turns",
  },
  { name: "plan", description: "Plan mode: the agent plans and asks before it acts" },
  { name: "default", description: "back to Default mode" },
  { name: "status", description: "model, provider, folder, sandbox, approvals and token use" },
  { name: "diff", description: "show the git diff of the workspace (untracked files too)" },
  {
    name: "queue",
    args: "<text>",
    description: "send text as the next turn, after the running one",
  },
  { name: "history", description: "this session's prompts and answers" },
  { name: "title", args: "[text]", description: "show or set the session title" },
  { name: "new", description: "start a new session in this window" },
  { name: "compact", description: "summarize the conversation to free context" },
  { name: "resume", args: "[id]", description: "continue an earlier session" },
  { name: "clear", description: "clear the screen" },
  { name: "help", description: "this list and the keys" },
  { name: "exit", description: "leave (also /quit, Ctrl-D)" },
  { name: "quit", description: "leave" },
];

/** A parsed command line. */
export interface SlashInput {
  name: string;
  arg: string;
}

/**
 * Parses `/name rest`. Returns null for text that is not a command attempt (no leading slash,
 * or a path such as `/usr/bin ...`).
 */
export function parseSlash(line: string): SlashInput | null {
  const m = line.trim().match(/^\/([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/);
  if (!m) return null;
  return { name: m[1].toLowerCase(), arg: (m[2] ?? "").trim() };
}

/** Commands whose name starts with `prefix` (without the slash). */
export function completeSlash(prefix: string): SlashCommand[] {
  const p = prefix.toLowerCase();
  return SLASH_COMMANDS.filter((c) => c.name.startsWith(p));
}

/** Finds a command by exact name. */
export function findSlash(name: string): SlashCommand | undefined {
  return SLASH_COMMANDS.find((c) => c.name === name);
}

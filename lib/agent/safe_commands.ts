/**
 * Commands known to only read: under `approval_policy = "untrusted"` these run without asking.
 * A shell script (`bash -lc '...'`) counts when every command of its `&&`, `||`, `;` and `|`
 * chain is known-safe and it uses no redirection, substitution or other shell syntax.
 *
 * @module
 */

const ALWAYS_SAFE = new Set([
  "cat",
  "cd",
  "cut",
  "date",
  "df",
  "du",
  "echo",
  "expr",
  "false",
  "file",
  "grep",
  "head",
  "hostname",
  "id",
  "ls",
  "nl",
  "paste",
  "printenv",
  "pwd",
  "rev",
  "seq",
  "sort",
  "stat",
  "tail",
  "tr",
  "tree",
  "true",
  "uname",
  "uniq",
  "wc",
  "which",
  "whoami",
]);

const GIT_READ = new Set([
  "status",
  "log",
  "diff",
  "show",
  "branch",
  "blame",
  "ls-files",
  "rev-parse",
  "grep",
]);

const FIND_UNSAFE = new Set([
  "-exec",
  "-execdir",
  "-ok",
  "-okdir",
  "-delete",
  "-fls",
  "-fprint",
  "-fprint0",
  "-fprintf",
]);

const RG_UNSAFE = new Set(["--pre", "--hostname-bin", "--search-zip", "-z"]);

/** True when the argv is a command known to only read. */
export function isKnownSafeArgv(argv: string[]): boolean {
  if (argv.length === 0) return false;
  const name = argv[0].split("/").pop() ?? "";
  if (ALWAYS_SAFE.has(name)) return true;
  switch (name) {
    case "git": {
      const sub = argv.slice(1).find((a) => !a.startsWith("-"));
      if (!sub || !GIT_READ.has(sub)) return false;
      if (sub === "branch") {
        return argv.slice(2).every((a) =>
          ["--list", "-l", "-a", "-r", "-v", "-vv", "--show-current"].includes(a)
        );
      }
      return !argv.some((a) => a === "--output" || a.startsWith("--output="));
    }
    case "find":
      return !argv.some((a) => FIND_UNSAFE.has(a));
    case "rg":
      return !argv.some((a) => RG_UNSAFE.has(a) || a.startsWith("--pre="));
    case "sed":
      // Only printing a line range: sed -n 1,20p FILE
      return argv.length >= 3 && argv[1] === "-n" && /^\d+(,\d+)?p$/.test(argv[2]);
    case "bash":
    case "sh":
    case "zsh":
      if (argv.length === 3 && (argv[1] === "-lc" || argv[1] === "-c")) {
        return isKnownSafeScript(argv[2]);
      }
      return false;
  }
  return false;
}

/** Splits a simple script into commands, or null if it uses syntax we do not judge. */
function splitScript(script: string): string[][] | null {
  // Redirection, substitution, globs in subshells, variables, background jobs: not judged.
  if (/[<>`$()&{}\\!]/.test(script.replace(/&&/g, "").replace(/\|\|/g, ""))) return null;
  const commands: string[][] = [];
  for (const part of script.split(/&&|\|\||;|\|/)) {
    const words: string[] = [];
    const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
    for (const m of part.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3]);
    if (words.length === 0) return null;
    commands.push(words);
  }
  return commands;
}

/** True when every command of a simple shell script is known-safe. */
export function isKnownSafeScript(script: string): boolean {
  const commands = splitScript(script);
  return commands !== null &&
    commands.every((c) => c[0] !== "bash" && c[0] !== "sh" && isKnownSafeArgv(c));
}

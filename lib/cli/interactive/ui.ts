/**
 * The person at the keyboard as tools see them (`UserInterface` of tools/define.ts):
 * `askUser` for `request_user_input` (numbered options, an "Other" free answer, Esc cancels)
 * and `requestApproval` for commands, patches and permissions (yes / always for this session /
 * no; Esc aborts the turn). Answers are echoed into the transcript.
 *
 * @module
 */

import type { ApprovalDecision, UserInterface, UserQuestion } from "../../../tools/define.ts";
import type { ModalHost } from "./modal.ts";
import type { Style } from "./style.ts";

/** Label of the free-answer choice added to every question. */
export const OTHER_LABEL = "Other";

/** Options of {@linkcode createTerminalUi}. */
export interface TerminalUiOptions {
  host: ModalHost;
  style: Style;
  /** Writes rows to the transcript. */
  print(rows: string[]): void;
  /** Called when a question or approval opens and closes (e.g. to pause the spinner). */
  onWaiting?(waiting: boolean): void;
}

const TITLES = {
  command: "Allow this command?",
  patch: "Apply these changes?",
  permissions: "Grant these permissions?",
} as const;

/** Builds the interactive `UserInterface`. */
export function createTerminalUi(opts: TerminalUiOptions): UserInterface {
  const { host, style: s } = opts;
  const waiting = async <T>(fn: () => Promise<T>): Promise<T> => {
    opts.onWaiting?.(true);
    try {
      return await fn();
    } finally {
      opts.onWaiting?.(false);
    }
  };
  return {
    async askUser(questions: UserQuestion[]) {
      const answers = await host.exclusive(() =>
        waiting(async () => {
          const out: Record<string, { answers: string[] }> = {};
          for (const [n, q] of questions.entries()) {
            const count = questions.length > 1 ? s.dim(` (${n + 1}/${questions.length})`) : "";
            const title = [
              `${s.bold(s.cyan(q.header || "Question"))}${count}`,
              q.question,
            ];
            const options = [
              ...q.options.map((o) => ({ label: o.label, description: o.description })),
              { label: OTHER_LABEL, description: "type your own answer" },
            ];
            const pick = await host.select({ title, options, style: s });
            if (pick === null) return null;
            let answer: string;
            if (pick === q.options.length) {
              const text = await host.text({ title, prompt: `${OTHER_LABEL} ›`, style: s });
              if (text === null) return null;
              answer = text;
            } else {
              answer = q.options[pick].label;
            }
            out[q.id] = { answers: [answer] };
            opts.print([
              `${s.cyan("•")} ${s.bold(q.header || "Question")}: ${q.question}`,
              `  └ ${answer}`,
            ]);
          }
          return out;
        })
      );
      if (answers === null) opts.print([s.dim("• Questions dismissed")]);
      return answers;
    },

    async requestApproval(request): Promise<ApprovalDecision> {
      const decision = await host.exclusive(() =>
        waiting(async () => {
          const title = [s.bold(TITLES[request.kind]), `  ${request.summary}`];
          if (request.reason) title.push(s.dim(`  Reason: ${request.reason}`));
          const options = [
            { label: "Yes", shortcut: "y" },
            { label: "Yes, and don't ask again this session", shortcut: "a" },
            { label: "No", shortcut: "n" },
          ];
          const pick = await host.select({
            title,
            options,
            style: s,
            hint: "y/a/n or ↑/↓ and Enter · Esc to stop the turn",
          });
          const answers: ApprovalDecision[] = ["approved", "approved_for_session", "denied"];
          return pick === null ? "abort" as const : answers[pick];
        })
      ) ?? "abort";
      const words: Record<ApprovalDecision, string> = {
        approved: s.green("✔ Approved"),
        approved_for_session: s.green("✔ Approved for this session"),
        denied: s.red("✗ Denied"),
        abort: s.red("✗ Denied and stopped"),
      };
      opts.print([`${words[decision]}: ${request.summary}`]);
      return decision;
    },
  };
}

// The Interaction used with --plain and --json: nobody is at the keyboard, so flags answer (the engine has
// already answered prompts named by --var), and anything they cannot answer fails naming the flag that would.
import type { ConfirmRequest, Interaction, PromptAnswer, PromptRequest } from '../contract/action.js';

export interface HeadlessFlags {
  yes: boolean;
}

export function headlessInteraction(flags: HeadlessFlags): Interaction {
  return {
    async confirm(request: ConfirmRequest): Promise<boolean> {
      const flag = request.safety === 'destructive' ? '--yes --allow-destroy' : '--yes';
      throw new Error(
        `step "${request.step}" is ${request.safety} (${request.message}) and nobody can confirm it here:` +
          ` pass ${flag} to run it without a terminal, or run drillbook in a terminal to be asked`,
      );
    },
    async ask(request: PromptRequest): Promise<PromptAnswer> {
      const at = new Date().toISOString();
      if (request.kind === 'checklist') {
        if (flags.yes) return { value: 'done', at };
        const orVar = request.variable ? ` or --var ${request.variable}=done` : '';
        throw new Error(
          `checklist item "${request.question}" needs an operator: pass --yes to mark checklist items done${orVar}`,
        );
      }
      if (request.default !== undefined) return { value: request.default, at };
      if (request.variable) {
        throw new Error(`"${request.question}" needs an answer: pass --var ${request.variable}=VALUE`);
      }
      throw new Error(
        `"${request.question}" needs an answer and nothing can give it here: run drillbook in a terminal` +
          ' (or give the prompt a variable name so --var can answer it; see docs/runbook-format.md)',
      );
    },
  };
}

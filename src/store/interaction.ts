// The engine's Interaction implemented through the store: a request becomes `pending`, the TUI's dialog
// answers it, and an aborted step (Ctrl-C) withdraws it.
import type { ConfirmRequest, Interaction, PromptAnswer, PromptRequest } from '../contract/action.js';
import type { PendingRequest } from './state.js';
import type { TuiStore } from './store.js';

export function createTuiInteraction(store: TuiStore): Interaction {
  const wait = <T>(signal: AbortSignal, make: (resolve: (value: T) => void) => PendingRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortError(signal));
        return;
      }
      let pending: PendingRequest | undefined;
      const settle = (finish: () => void) => {
        signal.removeEventListener('abort', onAbort);
        if (store.getState().pending === pending) store.setState({ pending: undefined });
        finish();
      };
      const onAbort = () => settle(() => reject(abortError(signal)));
      pending = make((value) => settle(() => resolve(value)));
      signal.addEventListener('abort', onAbort, { once: true });
      store.setState({ pending });
    });

  return {
    confirm(request: ConfirmRequest, signal: AbortSignal): Promise<boolean> {
      return wait<boolean>(signal, (resolve) => ({ kind: 'confirm', request, resolve }));
    },
    ask(request: PromptRequest, signal: AbortSignal): Promise<PromptAnswer> {
      return wait<PromptAnswer>(signal, (resolve) => ({ kind: 'prompt', request, resolve }));
    },
  };
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The step was aborted while waiting for the operator.');
  error.name = 'AbortError';
  return error;
}

// Questions for the operator as engine state. A confirmation or a prompt becomes the pending question
// (question.asked); it stays pending until engine.approve/decline/answer settle it, the step is aborted, or —
// headless and in tests — the answerer the engine was given settles it. Like gemini-cli's scheduler holding a
// tool call in `awaiting_approval`: the UI renders the pending question and calls back; it keeps no copy.
import type { Interaction, PromptAnswer } from '../contract/action.js';
import type { EngineEventBody, Question } from '../contract/events.js';

type Settle =
  | { type: 'confirm'; resolve(accepted: boolean): void }
  | { type: 'prompt'; resolve(value: string): void };

interface Pending {
  question: Question;
  settle: Settle;
}

export class QuestionDesk {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /**
   * answerer: answers every question at once without waiting for approve/decline/answer (the headless flags,
   * a test's script); when it throws, the question is withdrawn with its message.
   */
  constructor(
    private readonly emit: (body: EngineEventBody) => void,
    private readonly answerer?: Interaction,
  ) {}

  /** The question the engine is waiting on, if any (the oldest when several are open). */
  current(): Question | undefined {
    return this.pending.values().next().value?.question;
  }

  /** The Interaction the engine's steps and variable prompts ask through. */
  readonly interaction: Interaction = {
    confirm: (request, signal) =>
      this.open<boolean>(request.step, signal, (id, resolve) => ({
        question: { id, type: 'confirm', request },
        settle: { type: 'confirm', resolve },
        auto: (answerer) => answerer.confirm(request, signal),
      })),
    ask: (request, signal) =>
      this.open<PromptAnswer>(request.step, signal, (id, resolve) => ({
        question: { id, type: 'prompt', request },
        settle: { type: 'prompt', resolve: (value) => resolve({ value, at: new Date().toISOString() }) },
        auto: (answerer) => answerer.ask(request, signal),
      })),
  };

  approve(id: number): void {
    this.confirmation(id).resolve(true);
  }

  decline(id: number): void {
    this.confirmation(id).resolve(false);
  }

  answer(id: number, value: string): void {
    const { settle } = this.entry(id);
    if (settle.type !== 'prompt') throw new Error(`question ${id} is a confirmation: approve or decline it`);
    settle.resolve(value);
  }

  private confirmation(id: number): Extract<Settle, { type: 'confirm' }> {
    const { settle } = this.entry(id);
    if (settle.type !== 'confirm') throw new Error(`question ${id} is a prompt: answer it`);
    return settle;
  }

  private entry(id: number): Pending {
    const entry = this.pending.get(id);
    if (!entry) throw new Error(`no question ${id} is waiting for an answer`);
    return entry;
  }

  private open<T>(
    step: string,
    signal: AbortSignal,
    make: (
      id: number,
      resolve: (value: T) => void,
    ) => { question: Question; settle: Settle; auto: (answerer: Interaction) => Promise<T> },
  ): Promise<T> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const close = (outcome: 'answered' | 'withdrawn', reason?: string): boolean => {
        if (!this.pending.delete(id)) return false;
        signal.removeEventListener('abort', onAbort);
        this.emit({ type: 'question.closed', step, question: id, outcome, reason });
        return true;
      };
      const onAbort = () => {
        if (close('withdrawn', 'the step was aborted')) reject(abortError(signal));
      };
      const { question, settle, auto } = make(id, (value) => {
        if (close('answered')) resolve(value);
      });
      this.pending.set(id, { question, settle });
      signal.addEventListener('abort', onAbort, { once: true });
      this.emit({ type: 'question.asked', step, question });
      if (!this.answerer) return;
      auto(this.answerer).then(
        (value) => {
          if (close('answered')) resolve(value);
        },
        (error: unknown) => {
          if (close('withdrawn', error instanceof Error ? error.message : String(error))) reject(error);
        },
      );
    });
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The step was aborted while waiting for the operator.');
  error.name = 'AbortError';
  return error;
}

// Terminating signals during `drillbook run`: SIGINT is the operator's Ctrl-C; SIGTERM and SIGHUP (the
// terminal closed) end the run the same way — the running step's process group is stopped, the abort is
// journaled under the signal's name, the report is written — and the exit code is the conventional 128+n.
import { constants } from 'node:os';

export const TERMINATING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type TerminatingSignal = (typeof TERMINATING_SIGNALS)[number];

/** 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export function exitCodeFor(signal: TerminatingSignal): number {
  return 128 + constants.signals[signal];
}

/** What the aborted step's error says. */
export function abortReason(signal: TerminatingSignal): string {
  return signal === 'SIGINT' ? 'aborted by the operator (Ctrl-C)' : `terminated by ${signal}`;
}

/** Records the first terminating signal received while the run lasts (the exit code depends on it). */
export function watchSignals(): { received(): TerminatingSignal | undefined; stop(): void } {
  let first: TerminatingSignal | undefined;
  const listeners = TERMINATING_SIGNALS.map((signal) => {
    const listener = () => {
      first ??= signal;
      // With the terminal gone (SIGHUP) writes to it fail: they must not crash the orderly stop.
      if (signal === 'SIGHUP')
        for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    received: () => first,
    stop() {
      for (const [signal, listener] of listeners) process.off(signal, listener);
    },
  };
}

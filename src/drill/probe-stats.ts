// Turns the probe's write records into the figures a drill report states (RTO/RPO evidence).

export type WriteOutcome = 'acknowledged' | 'failed' | 'indeterminate';

export interface WriteRecord {
  seq: number;
  key: string;
  /** Monotonic ms (run axis) when the write was issued. */
  sentAt: number;
  /** Monotonic ms when its outcome was known. */
  doneAt: number;
  outcome: WriteOutcome;
  /** Master address the client was connected to when the write was issued, if known. */
  master?: string;
  error?: string;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

export interface AvailabilitySummary {
  attempted: number;
  acknowledged: number;
  failed: number;
  indeterminate: number;
  /** Monotonic ms of the first write that did not succeed, or null when none failed. */
  firstFailureAt: number | null;
  /** Monotonic ms of the first acknowledged write after the first failure. */
  recoveredAt: number | null;
  /**
   * First failure → first success after it (ms); when writes never recovered, → the last write's answer (a
   * lower bound, never 0); null when nothing failed.
   */
  unavailableMs: number | null;
  /** False when writes failed and none was acknowledged after the first failure. */
  recovered: boolean;
  /** Longest time between two consecutive acknowledgements (ms), counting from the first write. */
  longestGapMs: number;
  latencyMs: LatencySummary;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? 0;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

export function summarizeWrites(records: readonly WriteRecord[]): AvailabilitySummary {
  const bySent = [...records].sort((a, b) => a.sentAt - b.sentAt);
  const count = (outcome: WriteOutcome): number => bySent.filter((r) => r.outcome === outcome).length;

  const firstFailure = bySent.find((r) => r.outcome !== 'acknowledged');
  const firstFailureAt = firstFailure ? firstFailure.sentAt : null;
  const recovery =
    firstFailureAt === null
      ? undefined
      : bySent
          .filter((r) => r.outcome === 'acknowledged' && r.sentAt > firstFailureAt)
          .sort((a, b) => a.doneAt - b.doneAt)[0];
  const recoveredAt = recovery ? recovery.doneAt : null;

  const ackTimes = bySent
    .filter((r) => r.outcome === 'acknowledged')
    .map((r) => r.doneAt)
    .sort((a, b) => a - b);
  let longestGapMs = 0;
  let previous = bySent[0]?.sentAt;
  for (const at of ackTimes) {
    if (previous !== undefined) longestGapMs = Math.max(longestGapMs, at - previous);
    previous = at;
  }
  const lastIssued = bySent.at(-1)?.doneAt;
  if (previous !== undefined && lastIssued !== undefined && lastIssued > previous) {
    longestGapMs = Math.max(longestGapMs, lastIssued - previous);
  }

  const latencies = bySent
    .filter((r) => r.outcome === 'acknowledged')
    .map((r) => r.doneAt - r.sentAt)
    .sort((a, b) => a - b);

  return {
    attempted: bySent.length,
    acknowledged: count('acknowledged'),
    failed: count('failed'),
    indeterminate: count('indeterminate'),
    firstFailureAt: firstFailureAt === null ? null : round(firstFailureAt),
    recoveredAt: recoveredAt === null ? null : round(recoveredAt),
    unavailableMs:
      firstFailureAt === null
        ? null
        : round((recoveredAt ?? bySent.reduce((last, r) => Math.max(last, r.doneAt), 0)) - firstFailureAt),
    recovered: firstFailureAt === null || recoveredAt !== null,
    longestGapMs: round(longestGapMs),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? 0),
    },
  };
}

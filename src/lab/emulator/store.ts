import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { State } from './types.js';

export function emptyState(): State {
  return {
    version: 1,
    accountUuid: randomUUID(),
    nextDropletId: 500_000_001,
    nextActionId: 2_000_000_001,
    nextKeyId: 41_000_001,
    droplets: [],
    actions: [],
    vpcs: [],
    firewalls: [],
    tags: [],
    keys: [],
  };
}

/** Loads the snapshot a previous emulator left, so droplets survive a restart of the lab daemon. */
export function loadState(stateFile: string | undefined): State {
  if (!stateFile || !existsSync(stateFile)) return emptyState();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch (error) {
    throw new Error(
      `The lab emulator's state file ${stateFile} is not valid JSON (${(error as Error).message}); remove it with \`drillbook lab down\` or delete the file to start from an empty lab.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1) {
    throw new Error(
      `The lab emulator's state file ${stateFile} has an unknown format (expected version 1); delete it to start from an empty lab.`,
    );
  }
  return { ...emptyState(), ...(parsed as State) };
}

/** Rewrites the snapshot atomically (temp file + rename) with mode 0600: it holds user_data, which may carry passwords. */
export function saveState(stateFile: string, state: State): void {
  const temporary = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  renameSync(temporary, stateFile);
}

// Every replica any answering Sentinel lists (SENTINEL REPLICAS / SLAVES on node=all), once per address: an
// incident checklist must not depend on which Sentinel happens to be up. A Sentinel that did not answer adds
// nothing here; its failure is the block's own (a finding with finding=true).
import type { FieldMap } from '../../targets/redis/replies.js';
import { flagsOf } from '../../targets/redis/sentinel-survey.js';
import type { NodeResult } from '../redis/execute.js';

/** One replica as the first Sentinel that lists it reports it, plus who lists it and who sees it down. */
export interface UnitedReplica {
  /** ip, port, flags, master-link-status … as SENTINEL REPLICAS reports them. */
  [field: string]: unknown;
  /** The Sentinels that list it. */
  seen_by: string[];
  /** The Sentinels that flag it s_down; when any does, its flags carry s_down too. */
  down_for: string[];
}

const REPLICAS_COMMAND = /^SENTINEL\s+(REPLICAS|SLAVES)\b/i;

const isDown = (replica: FieldMap): boolean => flagsOf(replica).includes('s_down');

/**
 * The union by ip:port, in the order the Sentinels list them; undefined when the block did not ask for the
 * replicas. A replica that any Sentinel sees down is down here: the checklist reports it as a finding and
 * does not connect to it.
 */
export function unitedReplicas(results: readonly NodeResult[]): UnitedReplica[] | undefined {
  const asked = results.flatMap((result) =>
    result.commands
      .filter((command) => REPLICAS_COMMAND.test(command.command))
      .map((command) => ({ sentinel: result.node, command })),
  );
  if (asked.length === 0) return undefined;
  const byAddress = new Map<string, UnitedReplica>();
  for (const { sentinel, command } of asked) {
    if (command.error || !Array.isArray(command.parsed)) continue;
    for (const replica of command.parsed as FieldMap[]) {
      const address = `${replica.ip}:${replica.port}`;
      const down = isDown(replica);
      const known = byAddress.get(address);
      if (!known) {
        byAddress.set(address, { ...replica, seen_by: [sentinel], down_for: down ? [sentinel] : [] });
        continue;
      }
      // A block may ask both REPLICAS and SLAVES: one Sentinel still counts once.
      if (!known.seen_by.includes(sentinel)) known.seen_by.push(sentinel);
      if (!down) continue;
      if (!known.down_for.includes(sentinel)) known.down_for.push(sentinel);
      if (!isDown(known as FieldMap)) known.flags = `${known.flags},s_down`;
    }
  }
  return [...byAddress.values()];
}

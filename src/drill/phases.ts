// Reads a drill's timeline (fault, Sentinel events, probe milestones on one monotonic axis) and states how
// long each failover phase took after the fault. Absent phases stay null: "no failover" is a finding.

import type { TimelineEntry } from '../contract/action.js';
import type { FailoverPhases } from '../contract/views.js';

export type { FailoverPhases };

const FAULT_SOURCE = 'fault';
/** Timeline source of "the API reports the fault's action completed" (droplets.action). */
export const FAULT_COMPLETED_SOURCE = 'fault-completed';

function isAboutMaster(entry: TimelineEntry): boolean {
  return entry.detail.startsWith('master ');
}

export function failoverPhases(timeline: readonly TimelineEntry[], faultIndex = -1): FailoverPhases {
  const faults = timeline.filter((e) => e.source === FAULT_SOURCE);
  const fault = faultIndex < 0 ? faults.at(faultIndex) : faults[faultIndex];
  const after = fault ? timeline.filter((e) => e.t >= fault.t) : [];
  const first = (predicate: (e: TimelineEntry) => boolean): number | null => {
    const hit = after.find(predicate);
    return hit && fault ? round(hit.t - fault.t) : null;
  };
  const switches = after.filter((e) => e.name === '+switch-master');
  const switchFirst = switches[0];
  const lastSwitch = switches.at(-1);
  const lastSwitchAt = lastSwitch ? lastSwitch.t + latestSighting(lastSwitch.detail) : undefined;
  const recovered = after.find((e) => e.name === 'probe-recovered');
  const completed = after.find((e) => e.source === FAULT_COMPLETED_SOURCE && e.name === fault?.name);
  const unpaused = fault?.name === 'switchover' ? after.find((e) => e.name === 'write-unpause') : undefined;
  return {
    fault: fault ? { name: fault.name, detail: fault.detail, at: fault.t } : null,
    faultCompletedMs: completed && fault ? round(completed.t - fault.t) : null,
    sdownMs: first((e) => e.name === '+sdown' && isAboutMaster(e)),
    odownMs: first((e) => e.name === '+odown' && isAboutMaster(e)),
    electedLeaderMs: first((e) => e.name === '+elected-leader'),
    promotedReplicaMs: first((e) => e.name === '+promoted-slave'),
    switchMasterFirstMs: switchFirst && fault ? round(switchFirst.t - fault.t) : null,
    switchMasterAllMs: lastSwitchAt !== undefined && fault ? round(lastSwitchAt - fault.t) : null,
    probeRecoveredMs: recovered && fault ? round(recovered.t - fault.t) : null,
    probeLagAfterSwitchMs:
      recovered && switchFirst && recovered.t >= switchFirst.t ? round(recovered.t - switchFirst.t) : null,
    failedOver: switches.length > 0,
    writePauseMs: unpaused && fault ? round(unpaused.t - fault.t) : null,
  };
}

const round = (ms: number): number => Math.round(ms);

/**
 * The Sentinel event stream merges one event seen by several Sentinels into one entry whose detail ends
 * "(seen by sentinel-1 +0ms, sentinel-3 +19ms)": the last Sentinel heard it that long after the first.
 */
function latestSighting(detail: string): number {
  const offsets = [...detail.matchAll(/ \+(\d+(?:\.\d+)?)ms/g)].map((match) => Number(match[1]));
  return offsets.length > 0 ? Math.max(...offsets) : 0;
}

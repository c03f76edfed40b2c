// The failover phases as a Mermaid sequence diagram for report.md: GitHub draws it, and as text it still
// reads top to bottom as "who did what, how long after the fault".
import type { DrillData } from './report.js';
import { humanMs } from './series.js';

/** Mermaid ends a statement at ';' and reads '#…;' as an entity: keep both out of free text. */
function clean(text: string): string {
  return text.replace(/[;#]/g, ' ').replace(/\s+/g, ' ').trim();
}

const after = (ms: number | null) => (ms === null ? null : `after ${humanMs(ms)}`);

export function failoverSequence(data: DrillData): string {
  const p = data.phases;
  const newMaster = data.failed_over && data.master_after !== data.master_before;
  const lines = [
    'sequenceDiagram',
    '  participant C as probe client',
    `  participant M as ${clean(`master before ${data.master_before ?? 'unknown'}`)}`,
    '  participant S as Sentinels',
  ];
  if (newMaster) lines.push(`  participant N as ${clean(`new master ${data.master_after}`)}`);
  const last = newMaster ? 'N' : 'S';
  lines.push(
    p.fault
      ? `  Note over C,${last}: ${clean(`fault ${p.fault.name}: ${p.fault.detail}`)}`
      : `  Note over C,${last}: no fault recorded`,
  );
  const step = (arrow: string, text: string, ms: number | null) => {
    const when = after(ms);
    lines.push(when ? `  ${arrow}: ${clean(`${text} ${when}`)}` : `  Note over S: ${clean(`no ${text}`)}`);
  };
  step('S->>M', '+sdown (first Sentinel)', p.sdownMs);
  step('S->>S', '+odown (quorum agrees)', p.odownMs);
  step('S->>S', '+elected-leader', p.electedLeaderMs);
  step(newMaster ? 'S->>N' : 'S->>S', '+promoted-slave', p.promotedReplicaMs);
  const allAgree = p.switchMasterAllMs === null ? '' : ` (last Sentinel ${humanMs(p.switchMasterAllMs)})`;
  step('S-->>C', `+switch-master${allAgree}`, p.switchMasterFirstMs);
  step(`C->>${newMaster ? 'N' : 'M'}`, 'first acknowledged write (RTO)', p.probeRecoveredMs);
  if (data.lost_acknowledged > 0 || data.split_brain_writes > 0) {
    lines.push(
      `  Note over M: ${clean(`${data.split_brain_writes} writes acknowledged here after the fault, ${data.lost_acknowledged} acknowledged writes lost`)}`,
    );
  }
  return lines.join('\n');
}

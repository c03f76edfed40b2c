import { describe, expect, it } from 'vitest';
import type { EngineEvent, EngineEventBody } from '../../src/contract/events.js';
import type { DrillData } from '../../src/contract/views.js';
import { buildRunReport, renderRunReportMarkdown } from '../../src/drill/report.js';

let seq = 0;
const stamp = (body: EngineEventBody, t: number): EngineEvent =>
  ({ ...body, seq: ++seq, t, wall: new Date(1_700_000_000_000 + t).toISOString() }) as EngineEvent;

const phases = {
  fault: { name: 'power_off', detail: 'redis-1 127.10.0.10', at: 1000 },
  sdownMs: 1050,
  odownMs: 2100,
  electedLeaderMs: 2150,
  promotedReplicaMs: 2200,
  switchMasterFirstMs: 2250,
  switchMasterAllMs: 2300,
  probeRecoveredMs: 2290,
  probeLagAfterSwitchMs: 40,
  failedOver: true,
};

function drillEvents(data: DrillData): EngineEvent[] {
  return [
    stamp(
      {
        type: 'run.started',
        runId: 'r1',
        runbook: { file: 'dr.md', title: 'DR' },
        target: 'lab',
        dryRun: false,
        operator: 'alice',
        steps: [{ id: 'drill', title: 'Kill the master', safety: 'destructive' }],
      },
      0,
    ),
    stamp({ type: 'step.started', step: 'drill' }, 1),
    stamp({ type: 'timeline', source: 'fault', name: 'power_off', detail: 'redis-1 127.10.0.10' }, 1000),
    stamp(
      {
        type: 'action.finished',
        step: 'drill',
        action: 0,
        kind: 'probe',
        ok: true,
        summary: 'probe app: 900/1000 acknowledged',
        durationMs: 5,
        data,
        view: { kind: 'probe', probe: 'app', result: data },
      },
      5000,
    ),
    stamp({ type: 'step.finished', step: 'drill', status: 'passed', durationMs: 5000 }, 5001),
    stamp({ type: 'run.finished', status: 'passed', durationMs: 5002, steps: [] }, 5002),
  ];
}

const probeData: DrillData = {
  attempted: 1000,
  acknowledged: 900,
  failed: 95,
  indeterminate: 5,
  lost_acknowledged: 2,
  lost_acknowledged_keys: ['drill:r1:app:17', 'drill:r1:app:18'],
  unacknowledged_present: 1,
  unacknowledged_present_keys: ['drill:r1:app:20'],
  unavailable_ms: 2280,
  longest_gap_ms: 2310,
  latency_ms: { p50: 0.4, p99: 2.1, max: 12 },
  master_before: '127.10.0.10:6379',
  master_after: '127.10.0.11:6379',
  failed_over: true,
  split_brain_writes: 0,
  phases,
  settings: { redis_version: '7.0.15', down_after_milliseconds: '1000', appendfsync: 'everysec' },
  client_options: { mode: 'sentinel', sentinels: ['127.10.0.20:26379'] },
};

describe('drill report', () => {
  it('states RTO, lost acknowledged writes with their keys, phases and settings', () => {
    const report = buildRunReport(drillEvents(probeData));
    expect(report.drills).toHaveLength(1);
    expect(report.drills[0]).toMatchObject({ probe: 'app', step: 'drill', lost_acknowledged: 2 });
    const text = renderRunReportMarkdown(report);
    expect(text).toContain('## Drills');
    expect(text).toContain(
      '| RPO: acknowledged writes lost | **2** (`drill:r1:app:17`, `drill:r1:app:18`) |',
    );
    expect(text).toContain('| RTO: fault → first acknowledged write after the outage | 2290 ms |');
    expect(text).toContain('| +odown | 2100 ms |');
    expect(text).toContain('down-after-milliseconds 1000');
    expect(text).toContain('appendfsync everysec');
    expect(text).not.toContain('No failover observed');
  });

  it('says plainly when no failover happened', () => {
    const text = renderRunReportMarkdown(
      buildRunReport(
        drillEvents({
          ...probeData,
          failed_over: false,
          master_after: '127.10.0.10:6379',
          phases: { ...phases, switchMasterFirstMs: null, switchMasterAllMs: null, failedOver: false },
        }),
      ),
    );
    expect(text).toContain('**No failover observed**: the master stayed 127.10.0.10:6379');
    expect(text).not.toContain('split-brain window');
  });

  it('never states writes that did not come back as unavailable for 0 ms', () => {
    const text = renderRunReportMarkdown(
      buildRunReport(drillEvents({ ...probeData, unavailable_ms: 6010, writes_recovered: false })),
    );
    expect(text).toContain(
      '| Writes unavailable (first failure → first success after it) | at least 6010 ms: writes had not recovered when the probe stopped |',
    );
  });

  it("puts the old master's split-brain window beside the min-replicas settings that bound it", () => {
    const partition = {
      ...phases,
      fault: { name: 'partition', detail: 'split: redis-1 ⇹ redis-2', at: 1000 },
    };
    const unbounded = renderRunReportMarkdown(
      buildRunReport(
        drillEvents({
          ...probeData,
          phases: partition,
          split_brain_writes: 604,
          split_brain_window_ms: 6038,
          settings: { ...probeData.settings, min_replicas_to_write: '0', min_replicas_max_lag: '10' },
        }),
      ),
    );
    expect(unbounded).toContain(
      '| Writes the old master acknowledged after the fault (split-brain window) | 604 |',
    );
    expect(unbounded).toContain(
      "| Fault → the old master's last acknowledged write | 6038 ms (no min-replicas-to-write: an isolated master acknowledges writes until it is demoted) |",
    );
    const bounded = renderRunReportMarkdown(
      buildRunReport(
        drillEvents({
          ...probeData,
          phases: partition,
          split_brain_writes: 202,
          split_brain_window_ms: 2026,
          settings: { ...probeData.settings, min_replicas_to_write: '1', min_replicas_max_lag: '2' },
        }),
      ),
    );
    expect(bounded).toContain(
      "| Fault → the old master's last acknowledged write | 2026 ms (min-replicas-to-write 1, min-replicas-max-lag 2 s: an isolated master stops after about 2 s without its replica) |",
    );
    expect(bounded).toContain('min-replicas-to-write 1, min-replicas-max-lag 2');
    // A drill whose old master took no write after the fault has no window row.
    expect(renderRunReportMarkdown(buildRunReport(drillEvents(probeData)))).not.toContain(
      "the old master's last acknowledged write",
    );
  });

  it('shows the write pause a planned switchover cost, and no pause row for other faults', () => {
    const switchover = renderRunReportMarkdown(
      buildRunReport(drillEvents({ ...probeData, phases: { ...phases, writePauseMs: 1950 } })),
    );
    expect(switchover).toContain('| Writes paused by the switchover (CLIENT PAUSE → UNPAUSE) | 1950 ms |');
    expect(switchover).toContain('split-brain window');
    const crash = renderRunReportMarkdown(buildRunReport(drillEvents({ ...probeData, phases })));
    expect(crash).not.toContain('Writes paused by the switchover');
  });

  it('states the lab mode in use in the run table and in the settings in force; none off the lab', () => {
    const [started, ...rest] = drillEvents(probeData);
    const resolved = stamp({ type: 'target.resolved', target: 'lab', labMode: 'container' }, 2);
    const text = renderRunReportMarkdown(buildRunReport([started as EngineEvent, resolved, ...rest]));
    expect(text).toContain('| Target | lab, container mode |');
    expect(text).toContain('Settings in force: lab mode container, redis-version 7.0.15');
    const without = renderRunReportMarkdown(buildRunReport(drillEvents(probeData)));
    expect(without).toContain('| Target | lab |');
    expect(without).toContain('Settings in force: redis-version 7.0.15');
  });

  it('leaves a run without probes to the engine report', () => {
    const events = drillEvents(probeData).filter((e) => e.type !== 'action.finished');
    const report = buildRunReport(events);
    expect(report.drills).toEqual([]);
    expect(renderRunReportMarkdown(report)).not.toContain('## Drills');
  });
});

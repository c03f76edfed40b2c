import { describe, expect, it } from 'vitest';
import { failoverPhases } from '../../src/drill/phases.js';

const entry = (t: number, source: string, name: string, detail = '') => ({ t, source, name, detail });

describe('failoverPhases', () => {
  it('measures each phase from the fault, the last +switch-master from its latest sighting', () => {
    const phases = failoverPhases([
      entry(100, 'probe', 'probe-recovered', 'before the fault: ignored'),
      entry(1000, 'fault', 'power_off', 'redis-1 127.10.0.10'),
      entry(1300, 'fault-completed', 'power_off', 'redis-1 127.10.0.10'),
      entry(2050, 'sentinel', '+sdown', 'slave 127.10.0.11:6379 …: not the master'),
      entry(2060, 'sentinel', '+sdown', 'master mymaster 127.10.0.10 6379 (seen by sentinel-1 +0ms)'),
      entry(3100, 'sentinel', '+odown', 'master mymaster 127.10.0.10 6379 #quorum 2/2'),
      entry(3150, 'sentinel', '+elected-leader', 'master mymaster 127.10.0.10 6379'),
      entry(3200, 'sentinel', '+promoted-slave', 'slave 127.10.0.11:6379 …'),
      entry(
        3250,
        'sentinel',
        '+switch-master',
        'mymaster 127.10.0.10 6379 127.10.0.11 6379 (seen by sentinel-1 +0ms, sentinel-3 +19ms, sentinel-2 +28ms)',
      ),
      entry(3290, 'probe', 'probe-recovered', 'app wrote to 127.10.0.11:6379'),
    ]);
    expect(phases).toEqual({
      fault: { name: 'power_off', detail: 'redis-1 127.10.0.10', at: 1000 },
      faultCompletedMs: 300,
      sdownMs: 1060,
      odownMs: 2100,
      electedLeaderMs: 2150,
      promotedReplicaMs: 2200,
      switchMasterFirstMs: 2250,
      switchMasterAllMs: 2278,
      probeRecoveredMs: 2290,
      probeLagAfterSwitchMs: 40,
      failedOver: true,
      writePauseMs: null,
    });
  });

  it('measures a planned switchover from its write pause, and how long writes were held', () => {
    const phases = failoverPhases([
      entry(1000, 'fault', 'switchover', 'CLIENT PAUSE 10000 WRITE on redis-1 …'),
      entry(1012, 'switchover', 'replicas-caught-up', 'redis-2 at offset 5120'),
      entry(1013, 'switchover', 'failover-sent', 'SENTINEL FAILOVER mymaster on sentinel-1'),
      entry(
        1900,
        'sentinel',
        '+switch-master',
        'mymaster 127.10.0.10 6379 127.10.0.11 6379 (seen by sentinel-1 +0ms)',
      ),
      entry(2950, 'switchover', 'write-unpause', 'CLIENT UNPAUSE on redis-1 after 1950 ms'),
    ]);
    expect(phases).toMatchObject({ switchMasterFirstMs: 900, failedOver: true, writePauseMs: 1950 });
  });

  it('leaves unobserved phases null: no failover is a finding', () => {
    const phases = failoverPhases([
      entry(1000, 'fault', 'power_off', 'redis-1'),
      entry(2000, 'sentinel', '+sdown', 'master mymaster 127.10.0.10 6379'),
    ]);
    expect(phases).toMatchObject({
      sdownMs: 1000,
      odownMs: null,
      switchMasterAllMs: null,
      failedOver: false,
    });
    expect(failoverPhases([]).fault).toBeNull();
  });
});

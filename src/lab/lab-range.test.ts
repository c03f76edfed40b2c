// run --ip-range: the run lands on the lab with that range, or is refused before anything runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { requireLabRange } from './index.js';
import { LabSettingsError } from './topology.js';

function labSetUpOn(ipRange: string, mode?: 'loopback' | 'container'): string {
  const stateDir = tempDir('drillbook-lab-range-');
  const settings = { ipRange, replicas: 1, downAfterMs: 1000, failoverTimeoutMs: 6000, password: 'x', mode };
  writeFileSync(join(stateDir, 'lab.json'), JSON.stringify(settings), { mode: 0o600 });
  return stateDir;
}

describe('requireLabRange', () => {
  it('accepts the range of the lab set up in the state folder, and any lab range when there is none', async () => {
    await expect(
      requireLabRange('127.60.0.0/24', { stateDir: labSetUpOn('127.60.0.0/24') }),
    ).resolves.toBeUndefined();
    await expect(
      requireLabRange('127.61.0.0/24', { stateDir: tempDir('drillbook-lab-range-') }),
    ).resolves.toBeUndefined();
  });

  it('refuses another range, naming both and how to run beside that lab', async () => {
    const stateDir = labSetUpOn('127.10.0.0/24');
    const refusal = requireLabRange('127.60.0.0/24', { stateDir });
    await expect(refusal).rejects.toBeInstanceOf(LabSettingsError);
    await expect(refusal).rejects.toThrow(
      `--ip-range 127.60.0.0/24: the lab in ${stateDir} is on 127.10.0.0/24. To use that lab, leave out --ip-range (or pass 127.10.0.0/24); to run beside it, give this run a state home of its own, e.g. XDG_STATE_HOME=/tmp/lab-b drillbook lab up --ip-range 127.60.0.0/24`,
    );
  });

  it('refuses a range the mode cannot use: a private range in loopback mode, loopback in container mode', async () => {
    await expect(
      requireLabRange('10.0.0.0/24', { stateDir: tempDir('drillbook-lab-range-') }),
    ).rejects.toThrow(/must be a loopback network/);
    await expect(
      requireLabRange('127.60.0.0/24', { stateDir: tempDir('drillbook-lab-range-'), mode: 'container' }),
    ).rejects.toThrow(/must be a private network/);
  });
});

// agreementOf: what every Sentinel's answers add up to, when one of them does not answer.
import { describe, expect, it } from 'vitest';
import { agreementOf, type SentinelState } from './sentinel-survey.js';

function answered(node: string, epoch: number, flags = 'master'): SentinelState {
  return {
    node,
    address: `${node}:26379`,
    tilt: false,
    masterAddress: '127.0.0.12:6379',
    master: { name: 'mymaster', flags, 'config-epoch': epoch },
  };
}

const down: SentinelState = {
  node: 'sentinel-1',
  address: 'sentinel-1:26379',
  tilt: false,
  masterAddress: null,
  error: 'connect ECONNREFUSED',
};

describe('agreementOf', () => {
  it('names the Sentinels that answered, in order, so a command for one need not go to the first of the list', () => {
    const agreement = agreementOf([down, answered('sentinel-2', 3), answered('sentinel-3', 3)]);
    expect(agreement.reachable).toEqual(['sentinel-2', 'sentinel-3']);
    expect(agreement.unreachable).toEqual(['sentinel-1']);
    expect(agreement.sameMaster).toBe(true);
  });

  it('puts a Sentinel in TILT last among those that answered: it would take a command and not act on it', () => {
    const tilted = { ...answered('sentinel-1', 3), tilt: true };
    const agreement = agreementOf([tilted, answered('sentinel-2', 3), answered('sentinel-3', 3)]);
    expect(agreement.reachable).toEqual(['sentinel-2', 'sentinel-3', 'sentinel-1']);
    expect(agreement.tilt).toEqual(['sentinel-1']);
  });

  it("keeps each answering Sentinel's config-epoch and the highest, the configuration they all converge on", () => {
    const agreement = agreementOf([answered('sentinel-1', 4), down, answered('sentinel-3', 3)]);
    expect(agreement.configEpochs).toEqual({ 'sentinel-1': 4, 'sentinel-3': 3 });
    expect(agreement.configEpoch).toBe(4);
  });

  it('has no epoch and nobody reachable when no Sentinel answers', () => {
    const agreement = agreementOf([down]);
    expect(agreement).toMatchObject({ reachable: [], configEpochs: {}, configEpoch: null, master: null });
  });
});

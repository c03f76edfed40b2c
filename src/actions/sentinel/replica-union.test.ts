// The union of the replicas every answering Sentinel lists: once per address, down when any Sentinel says so.
import { describe, expect, it } from 'vitest';
import type { NodeResult } from '../redis/execute.js';
import { unitedReplicas } from './replica-union.js';

const replica = (ip: string, flags: string) => ({ ip, port: 6379, flags, 'master-link-status': 'ok' });

function listing(node: string, replicas: unknown[] | Error): NodeResult {
  const command = 'SENTINEL REPLICAS mymaster';
  return {
    node,
    address: `${node}:26379`,
    commands: [
      replicas instanceof Error
        ? { command, reply: undefined, error: replicas.message, code: 'REFUSED' }
        : { command, reply: [], parsed: replicas },
    ],
    last: replicas instanceof Error ? undefined : replicas,
    ...(replicas instanceof Error ? { error: replicas.message } : {}),
  };
}

describe('unitedReplicas', () => {
  it('lists every replica any answering Sentinel reports, once, and a replica any of them sees down as down', () => {
    const united = unitedReplicas([
      listing('sentinel-1', new Error('connect ECONNREFUSED')),
      listing('sentinel-2', [replica('10.0.0.11', 'slave'), replica('10.0.0.10', 'slave')]),
      listing('sentinel-3', [
        replica('10.0.0.11', 'slave'),
        replica('10.0.0.10', 's_down,slave,disconnected'),
      ]),
    ]);
    expect(united).toEqual([
      { ...replica('10.0.0.11', 'slave'), seen_by: ['sentinel-2', 'sentinel-3'], down_for: [] },
      {
        ...replica('10.0.0.10', 'slave,s_down'),
        seen_by: ['sentinel-2', 'sentinel-3'],
        down_for: ['sentinel-3'],
      },
    ]);
  });

  it('is absent when the block did not ask for the replicas', () => {
    const result: NodeResult = {
      node: 'sentinel-1',
      address: 's:26379',
      commands: [{ command: 'SENTINEL CKQUORUM mymaster', reply: 'OK' }],
      last: 'OK',
    };
    expect(unitedReplicas([result])).toBeUndefined();
  });
});

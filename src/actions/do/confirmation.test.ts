// What a do block's confirmation says: a plain sentence naming its resources for every operation, the range
// a VPC really gets in the loopback lab, and values an earlier action of the step has not produced yet kept
// as written (the emulator in-process answers the read-only look-ups).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetInfo } from '../../contract/action.js';
import { type Emulator, startEmulator } from '../../lab/emulator/index.js';
import { createTestContext, parsedAction } from '../test-context.js';
import { doesSentence, labRange } from './confirmation.js';
import { doKind } from './index.js';
import type { DoSpec } from './schema.js';

const TOKEN = 'do-confirmation-test-token';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ token: TOKEN, bootDelayMs: 10, actionDelayMs: 10 });
});

afterAll(async () => {
  await emulator?.close();
});

const target = (): TargetInfo => ({
  name: 'lab',
  apiUrl: emulator.url,
  token: TOKEN,
  lab: { stateDir: '/nonexistent', mode: 'loopback' },
  api: { requestTimeoutMs: 2000, retryWaitMinMs: 20 },
});

async function confirmationOf(body: string, results: Record<string, unknown> = {}) {
  const { spec, action } = parsedAction(doKind, { body });
  const t = createTestContext({ action, target: target(), results, secrets: [TOKEN] });
  try {
    return await doKind.confirmation(spec, t.ctx);
  } finally {
    await t.close();
  }
}

describe('do confirmations', () => {
  it('names what each operation does to which resources', () => {
    const say = (spec: Record<string, unknown>) => doesSentence(spec as DoSpec);
    expect(
      say({
        op: 'firewall.ensure',
        name: 'redis-fw',
        tags: ['redis'],
        inbound_rules: [
          { protocol: 'tcp', ports: 6379, sources: { tags: ['redis', 'sentinel'] } },
          { protocol: 'tcp', ports: '22', sources: { addresses: ['203.0.113.7/32'] } },
        ],
        outbound_rules: [],
      }),
    ).toBe(
      'creates or updates the firewall redis-fw on the droplets tagged redis: it lets in only tcp 6379 from tag redis, tag sentinel; tcp 22 from 203.0.113.7/32',
    );
    expect(say({ op: 'droplets.action', type: 'power_off', names: ['redis-1'], wait: true })).toBe(
      'powers off the droplet redis-1',
    );
    expect(say({ op: 'droplets.action', type: 'reboot', tag: 'redis', wait: true })).toBe(
      'reboots every droplet tagged redis',
    );
    expect(say({ op: 'droplets.delete', names: ['a', 'b'], tags: ['drill'] })).toBe(
      'deletes the droplets a, b (only if tagged drill)',
    );
    expect(say({ op: 'vpc.delete', name: 'drill-vpc' })).toBe('deletes the VPC drill-vpc');
    expect(say({ op: 'tags.ensure', names: ['redis'] })).toBe('creates the tags redis unless they exist');
  });

  it('maps a private range onto loopback as the loopback lab creates it, and not in the container lab', () => {
    expect(labRange('10.20.0.0/24', 'loopback')).toBe('127.20.0.0/24');
    expect(labRange('127.20.0.0/24', 'loopback')).toBeUndefined();
    expect(labRange('10.20.0.0/24', 'container')).toBeUndefined();
  });

  it('shows the VPC range the loopback lab will really give', async () => {
    const details = await confirmationOf(
      'op: vpc.ensure\nname: training-vpc\nregion: nyc1\nip_range: 10.20.0.0/24\n',
    );
    expect(details.does).toBe(
      'creates the VPC training-vpc (127.20.0.0/24 in the loopback lab, asked as 10.20.0.0/24) in nyc1',
    );
  });

  it('keeps a value an earlier action of the step produces as written instead of failing', async () => {
    const details = await confirmationOf(
      [
        'op: droplets.ensure',
        'names: [training-redis-2]',
        'region: nyc1',
        'size: s-1vcpu-1gb',
        'image: ubuntu-24-04-x64',
        'user_data:',
        '  template: templates/redis-node.cloud-init.yaml',
        '  params: { replicaof: "{{ master.droplets.training-redis-1.private_ip }} 6379" }',
      ].join('\n'),
    );
    expect(details.does).toBe('creates the droplet training-redis-2 unless it exists');
    expect(details.message).toContain('creates 1 droplet (s-1vcpu-1gb in nyc1)');
  });

  it("prices the whole run and the block's own droplets from one read of the sizes catalogue", async () => {
    const { spec, action } = parsedAction(doKind, {
      body: 'op: droplets.ensure\nnames: [redis-1, redis-2]\nregion: nyc1\nsize: s-1vcpu-1gb\nimage: ubuntu-24-04-x64\n',
    });
    const first = { ...action, safety: 'mutating' as const, loc: { file: 'test.md', line: 3, column: 1 } };
    const t = createTestContext({
      action: first,
      target: target(),
      secrets: [TOKEN],
      runbook: { steps: [{ id: 'nodes', title: 'Nodes', actions: [first] } as never] },
    });
    const sizeReads = () => emulator.requests.filter((request) => request.path === '/v2/sizes').length;
    const before = sizeReads();
    try {
      const details = await doKind.confirmation(spec, t.ctx);
      expect(details.message).toMatch(
        /^the whole run creates 2 droplets: .*; creates 2 droplets \(s-1vcpu-1gb in nyc1\)/,
      );
    } finally {
      await t.close();
    }
    expect(sizeReads() - before).toBe(1);
  });

  it('names the droplets to type for a destructive delete without asking the API', async () => {
    const details = await confirmationOf('op: droplets.delete\nnames: [redis-1, redis-2]\n');
    expect(details).toEqual({
      does: 'deletes the droplets redis-1, redis-2',
      typeToConfirm: 'redis-1 redis-2',
    });
  });
});

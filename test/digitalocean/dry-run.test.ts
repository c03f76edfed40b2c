// --dry-run: every request a step would send, as method, path and JSON body with secrets masked — and
// nothing sent at all.
import { describe, expect, it } from 'vitest';
import { doKind } from '../../src/actions/do/index.js';
import { createTestContext, parsedAction, TEST_SECRET_MASK } from '../../src/actions/test-context.js';
import { everything, REDIS_PASSWORD, runDo, withEmulator } from './helpers.js';

const api = withEmulator();

const provision = `op: droplets.ensure
names: [redis-1, redis-2]
region: "{{ vars.region }}"
size: s-1vcpu-1gb
image: ubuntu-24-04-x64
vpc: drill-vpc
tags: [drill, redis]
user_data:
  template: templates/redis-node.yaml
  vars: { role: master }
  params: { replicaof: "{{ nodes.droplets.redis-1.private_ip }} 6379" }`;

describe('dry run', () => {
  it('shows method, path and JSON body of every request, secrets masked, and sends nothing', async () => {
    const bodies = [
      'op: vpc.ensure\nname: drill-vpc\nregion: nyc1\nip_range: 10.10.0.0/24',
      provision,
      'op: droplets.action\ntype: power_off\nnames: [redis-1]',
      'op: firewall.ensure\nname: fw\ntags: [drill]\ninbound_rules: [{ protocol: tcp, ports: 6379, sources: { tags: [drill] } }]',
      'op: droplets.delete\nnames: [redis-1]',
    ];
    const lines: string[] = [];
    for (const body of bodies) {
      const run = await runDo(body, api.target, {
        dryRun: true,
        results: { nodes: { droplets: { 'redis-1': { private_ip: '127.10.0.10' } } } },
        vars: { redis_password: REDIS_PASSWORD, region: 'nyc1', role: 'redis' },
      });
      expect(run.outcome.ok, run.outcome.error).toBe(true);
      expect(run.outcome.summary).toMatch(/^dry run: \d+ requests shown, none sent$/);
      expect(everything(run)).not.toContain(REDIS_PASSWORD);
      expect(everything(run)).not.toContain(api.token);
      lines.push(...run.t.output.map((o) => o.line));
    }
    expect(api.emulator.requests).toEqual([]);
    const create = lines.find((line) => line.startsWith('POST /v2/droplets ')) ?? '';
    const json = JSON.parse(create.slice('POST /v2/droplets '.length, create.lastIndexOf('}') + 1));
    expect(json).toMatchObject({
      names: ['redis-1', 'redis-2'],
      region: 'nyc1',
      vpc_uuid: '<id of VPC drill-vpc>',
      tags: ['drill', 'redis'],
    });
    expect(json.user_data).toContain(`requirepass ${TEST_SECRET_MASK}`);
    expect(json.user_data).toContain('# role master');
    expect(json.user_data).toContain('replicaof 127.10.0.10 6379');
    expect(lines).toContain('POST /v2/droplets/<id of redis-1>/actions {"type":"power_off"}');
    expect(lines).toContain('DELETE /v2/droplets/<id of redis-1>');
    expect(
      lines.some((line) =>
        line.startsWith('POST /v2/vpcs {"name":"drill-vpc","region":"nyc1","ip_range":"10.10.0.0/24"}'),
      ),
    ).toBe(true);
  });

  it('preview masks the secret in user_data too', () => {
    const { spec, action } = parsedAction(doKind, { body: provision });
    const t = createTestContext({
      vars: { redis_password: REDIS_PASSWORD, region: 'ams3', role: 'redis' },
      secretVars: ['redis_password'],
      action,
      runbook: {
        templates: {
          'templates/redis-node.yaml': {
            name: 'templates/redis-node.yaml',
            content: 'requirepass {{ vars.redis_password }}',
            loc: { file: 'x', line: 1, column: 1 },
          },
        },
      },
    });
    const preview = doKind.preview(spec, t.ctx).join('\n');
    expect(preview).toContain('"region":"ams3"');
    expect(preview).toContain(`requirepass ${TEST_SECRET_MASK}`);
    expect(preview).not.toContain(REDIS_PASSWORD);
  });
});

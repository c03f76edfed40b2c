// The do kind inside the real parser and engine: a Markdown runbook provisions, later steps address the
// results, a power step puts the fault on the timeline, and neither the token nor the password reaches the
// events or the journal. --dry-run sends nothing.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionKinds } from '../../src/actions/registry.js';
import type { ConfirmRequest, Interaction } from '../../src/contract/action.js';
import type { EngineEvent } from '../../src/contract/events.js';
import { createEngine } from '../../src/engine/engine.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { tempDir } from '../helpers/temp-dir.js';
import { REDIS_PASSWORD, withEmulator } from './helpers.js';

const api = withEmulator();
const stateDir = tempDir('drillbook-do-engine-');

const fence = '```';
const source = `---
title: DO engine test
vars:
  redis_password: { secret: true, source: prompt }
  role: { default: redis }
---

## Provision the nodes

${fence}do id=nodes
op: droplets.ensure
names: [redis-1, redis-2]
region: nyc1
size: s-1vcpu-1gb
image: ubuntu-24-04-x64
tags: [engine, redis]
user_data:
  template: redis-node.yaml
${fence}

## Check the master address

${fence}check
nodes.droplets.redis-1.private_ip == 127.10.0.10
${fence}

## Crash the master

${fence}do
op: droplets.action
type: power_off
names: [redis-1]
${fence}

${fence}text file=redis-node.yaml
#cloud-config
write_files:
  - path: /etc/redis/redis.conf
    content: |
      requirepass {{ vars.redis_password }}
${fence}
`;

function headless(confirms: ConfirmRequest[]): Interaction {
  return {
    confirm: async (request) => {
      confirms.push(request);
      return true;
    },
    ask: async () => {
      throw new Error('no prompts in this runbook');
    },
  };
}

async function runBook(options: { dryRun?: boolean }) {
  const parsed = parseRunbook(source, join(stateDir, 'book.md'), { kinds: actionKinds });
  expect(parsed.diagnostics).toEqual([]);
  const runbook = parsed.runbook;
  if (!runbook) throw new Error('runbook did not parse');
  const confirms: ConfirmRequest[] = [];
  const engine = await createEngine({
    kinds: actionKinds,
    runbook,
    target: 'digitalocean',
    resolveTarget: async () => api.target,
    interaction: headless(confirms),
    journalPath: stateDir,
    vars: { redis_password: REDIS_PASSWORD },
    dryRun: options.dryRun ?? false,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  await engine.start();
  const status = await engine.runAll();
  await engine.finish();
  const journal = await readFile(engine.journalPath, 'utf8');
  return { status, events, journal, confirms, results: engine.results() };
}

describe('do blocks in the engine', () => {
  it('--dry-run previews every request and sends none', async () => {
    const { events, journal } = await runBook({ dryRun: true });
    expect(api.emulator.requests).toEqual([]);
    const previews = events.flatMap((event) => (event.type === 'action.started' ? event.preview : []));
    expect(previews.some((line) => line.startsWith('POST /v2/droplets {"names":["redis-1","redis-2"]'))).toBe(
      true,
    );
    expect(previews.some((line) => line.startsWith('POST /v2/droplets/<id of redis-1>/actions'))).toBe(true);
    expect(journal).not.toContain(REDIS_PASSWORD);
  });

  it('provisions, lets later steps address the results, and records the fault', async () => {
    const { status, events, journal, results } = await runBook({});
    expect(status).toBe('passed');
    expect(results).toMatchObject({
      nodes: { droplets: { 'redis-1': { private_ip: '127.10.0.10', status: 'active' } } },
      inventory: { 'redis-2': { host: '127.10.0.11', port: 6379, kind: 'redis' } },
    });
    const faults = events.filter((event) => event.type === 'timeline');
    expect(faults).toMatchObject([
      { source: 'fault', name: 'power_off', detail: 'redis-1 127.10.0.10' },
      { source: 'fault-completed', name: 'power_off', detail: 'redis-1 127.10.0.10' },
    ]);
    const sent = api.emulator.requests.find((r) => r.method === 'POST' && r.path === '/v2/droplets')
      ?.body as {
      user_data: string;
    };
    expect(sent.user_data).toContain(`requirepass ${REDIS_PASSWORD}`);
    const everything = JSON.stringify(events) + journal;
    expect(everything).not.toContain(REDIS_PASSWORD);
    expect(everything).not.toContain(api.token);
  });
});

// A runbook with redis / sentinel / wait blocks run by the real parser and engine against a real cluster
// (127.40.6.x): steps pass, the failover reaches the journal's timeline merged across Sentinels, no secret leaks.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionKinds } from '../../src/actions/registry.js';
import type { Interaction } from '../../src/contract/action.js';
import type { EngineEvent } from '../../src/contract/events.js';
import { createEngine } from '../../src/engine/engine.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { tempDir } from '../helpers/temp-dir.js';

let cluster: TestRedisCluster;
const dir = tempDir('drillbook-redis-engine-');

beforeAll(async () => {
  cluster = await startRedisCluster({ subnet: '127.40.6' });
});
afterAll(async () => {
  await cluster?.stop();
});

const RUNBOOK = `---
title: Sentinel failover drill (test)
vars:
  redis_password: { secret: true, source: prompt }
  sentinels: { source: prompt }
  sentinel1: { source: prompt }
  master: { source: prompt }
  replica: { source: prompt }
---

## Check the cluster

\`\`\`sentinel node=all verify=health
\`\`\`

\`\`\`redis verify=replication nodes=master,replica
\`\`\`

## Fail over

\`\`\`sentinel node=sentinel1 id=failover
SENTINEL FAILOVER mymaster
\`\`\`

\`\`\`wait event=+switch-master timeout=30s id=switched
\`\`\`

## Confirm recovery

\`\`\`sentinel node=all verify=agreement within=20s
\`\`\`

\`\`\`redis node=replica id=promoted
ROLE
\`\`\`
`;

const refuseAll: Interaction = {
  confirm: async () => true,
  ask: async (request) => {
    throw new Error(`unexpected prompt: ${request.question}`);
  },
};

describe('redis, sentinel and wait blocks through the engine', () => {
  it('runs a failover drill, journals Sentinel events with who saw them, and leaks no password', async () => {
    const parsed = parseRunbook(RUNBOOK, join(dir, 'drill.md'), { kinds: actionKinds });
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (!parsed.runbook) throw new Error('no runbook');
    const engine = await createEngine({
      kinds: actionKinds,
      runbook: parsed.runbook,
      target: 'lab',
      resolveTarget: async () => {
        throw new Error('this runbook needs no target');
      },
      vars: {
        redis_password: cluster.password,
        sentinels: cluster.sentinelAddresses,
        sentinel1: cluster.node('sentinel-1').address,
        master: cluster.node('redis-1').address,
        replica: cluster.node('redis-2').address,
      },
      yes: true,
      allowDestroy: true,
      interaction: refuseAll,
      journalPath: dir,
      operator: 'tester',
    });
    const events: EngineEvent[] = [];
    engine.subscribe((event) => events.push(event));
    await engine.start();
    const status = await engine.runAll();
    const failures = events.filter((e) => e.type === 'action.finished' && !e.ok);
    expect(failures).toEqual([]);
    expect(status).toBe('passed');
    const results = engine.results() as Record<string, { to?: string; last?: unknown }>;
    expect(results.switched?.to).toBe(cluster.node('redis-2').address);
    expect(results.promoted?.last).toMatchObject({ role: 'master' });
    await engine.finish();

    const journal = await readFile(engine.journalPath, 'utf8');
    expect(journal).not.toContain(cluster.password);
    const timeline = journal
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as EngineEvent)
      .filter((e): e is Extract<EngineEvent, { type: 'timeline' }> => e.type === 'timeline');
    expect(timeline.find((e) => e.source === 'fault')).toMatchObject({ name: 'SENTINEL FAILOVER' });
    const switched = timeline.find((e) => e.source === 'sentinel' && e.name === '+switch-master');
    expect(switched?.seenBy?.length).toBeGreaterThanOrEqual(2);
    // Sentinels from the \`sentinels\` var are named by their addresses.
    expect(switched?.detail).toMatch(
      /^mymaster 127\.40\.6\.11 6379 127\.40\.6\.12 6379 \(seen by 127\.40\.6\.2\d:26379 \+0ms, 127\.40\.6\.2\d:26379 \+\d+ms/,
    );
    expect(switched?.at).toBeLessThan(switched?.t ?? 0);
  });
});

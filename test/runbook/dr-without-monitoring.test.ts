// runbooks/redis-sentinel-digitalocean.md run without `--monitoring` (a lab run without it, or an account with
// no Prometheus of its own): nothing answers at its prometheus_url and alertmanager_url, and its monitoring
// checks must pass as skipped instead of failing the drill. The runbook's one loopback end-to-end run
// (test/monitoring/dr-runbook.test.ts) has monitoring, so here each of its http blocks, exactly as parsed
// from the runbook, runs through the http action against an address where nothing listens.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpAction } from '../../src/actions/http/index.js';
import type { HttpSpec } from '../../src/actions/http/spec.js';
import { actionKinds } from '../../src/actions/registry.js';
import { createTestContext } from '../../src/actions/test-context.js';
import { loadRunbook } from '../../src/runbook/parse.js';
import { ROOT } from '../e2e/run-cli.js';

const HOST = '127.75.0.1';

/** A loopback address where nothing listens: a port just given back by a server that had it. */
async function closedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://${HOST}:${port}`;
}

describe('runbooks/redis-sentinel-digitalocean.md without monitoring', () => {
  it('passes each Prometheus and Alertmanager check as skipped when nothing answers', async () => {
    const loaded = await loadRunbook(join(ROOT, 'runbooks/redis-sentinel-digitalocean.md'), {
      kinds: actionKinds,
    });
    const blocks = (loaded.runbook?.steps ?? []).flatMap((step) =>
      step.actions.filter((action) => action.kind === 'http'),
    );
    // The ids test/monitoring/dr-runbook.test.ts asserts ran (not skipped) with monitoring.
    expect(blocks.map((block) => block.id)).toEqual([
      'scraped',
      'failover_alert',
      'link_recovered',
      'failover_alert2',
    ]);
    const nowhere = await closedAddress();
    for (const block of blocks) {
      const t = createTestContext({
        action: block,
        vars: { prometheus_url: nowhere, alertmanager_url: nowhere },
        // The masters the failover alerts are asked for, as the drills' wait blocks publish them.
        results: { switch1: { to: '10.10.0.3:6379' }, switch2: { to: '10.10.0.2:6379' } },
      });
      const outcome = await httpAction.run(block.spec as HttpSpec, t.ctx);
      expect(outcome, block.id).toMatchObject({
        ok: true,
        data: { skipped: true, reason: 'connection refused' },
      });
      expect(t.output[0]?.line, block.id).toContain('skipped (if-unreachable=skip)');
    }
  });
});

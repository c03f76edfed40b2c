// Ctrl-C in the middle of provisioning, then --resume, with the built CLI against the emulator through the
// real dots-wrapper client (--target digitalocean, DIGITALOCEAN_API_URL). The interrupt lands at the worst
// moment: the API has created the droplets but its answer has not arrived. The first run must stop at once
// (no waiting out the request), and the resumed run must adopt what exists, create nothing twice, and finish
// with the teardown leaving nothing billable behind.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/lab/emulator/index.js';
import { newToken, startTestEmulator } from '../digitalocean/helpers.js';
import { tempDir } from '../helpers/temp-dir.js';
import { collect, ensureBuilt, FIXTURES, jsonLines, startCli } from './helpers.js';

const token = newToken();
let emulator: Emulator;

beforeAll(async () => {
  ensureBuilt();
  emulator = await startTestEmulator(token, { bootDelayMs: 300, vpcReleaseMs: 300 });
  // nyc1 already has its default VPC, as most accounts do: the run's VPC is an ordinary, deletable one.
  await api('POST', '/vpcs', { name: 'nyc1-home', region: 'nyc1', ip_range: '10.99.0.0/24' });
}, 120_000);
afterAll(async () => {
  await emulator?.close();
});

async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown[]>> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await response.json()) as Record<string, unknown[]>;
}

const names = async (path: string, key: string) =>
  ((await api('GET', path))[key] as Array<{ name: string }>).map((item) => item.name).sort();

function run(journal: string, extra: string[] = []) {
  return startCli(
    [
      'run',
      join(FIXTURES, 'provision-interrupt.md'),
      '--target',
      'digitalocean',
      '--yes',
      '--allow-destroy',
      '--json',
      '--journal',
      journal,
      ...extra,
    ],
    { DIGITALOCEAN_API_URL: emulator.url, DIGITALOCEAN_ACCESS_TOKEN: token },
  );
}

describe('Ctrl-C during provisioning, then --resume', () => {
  it('stops at once while the create is in flight; the resumed run adopts the droplets, creates nothing twice and tears everything down', async () => {
    const journal = tempDir('drillbook-provision-interrupt-');
    // The API creates the droplets, then never answers: the client is still waiting when Ctrl-C comes.
    emulator.faults.add({ method: 'POST', path: '/droplets', kind: 'timeout-after-create', times: 1 });
    const first = run(journal);
    const firstDone = collect(first);
    const deadline = Date.now() + 20_000;
    while ((await names('/droplets', 'droplets')).length < 3) {
      if (Date.now() > deadline) throw new Error(`the create never arrived:\n${(await firstDone).stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const interruptedAt = Date.now();
    first.kill('SIGINT');
    const interrupted = await firstDone;
    // Not a performance bound: a run that waited out the held request would end only at its 30 s request
    // timeout; the abort must reach the request in flight.
    expect(Date.now() - interruptedAt).toBeLessThan(20_000);
    expect(interrupted.code, interrupted.stderr).toBe(130);
    const firstEvents = jsonLines(interrupted.stdout);
    expect(firstEvents.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
    expect(
      firstEvents.find((e) => e.type === 'step.finished' && e.step === 'provision-the-nodes'),
    ).toMatchObject({ status: 'failed' });
    const createsBefore = emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v2/droplets');
    expect(createsBefore).toHaveLength(1);
    const requestsBefore = emulator.requests.length;

    const [file] = readdirSync(journal).filter((name) => name.endsWith('.jsonl'));
    const resumed = await collect(run(journal, ['--resume', join(journal, file as string)]));
    const events = jsonLines(resumed.stdout);
    const errors = events.filter((e) => e.type === 'action.finished' && e.ok === false).map((e) => e.error);
    expect(resumed.code, `${resumed.stderr}\n${errors.join('\n')}`).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'passed' });
    // The resumed run starts at the aborted step and adopts what the API made while the answer was lost.
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'log',
        message: expect.stringMatching(/continuing at "provision-the-nodes"/),
      }),
    );
    const nodes = events.find((e) => e.type === 'action.finished' && e.id === 'nodes') as
      | { data: { created: string[]; adopted: string[] } }
      | undefined;
    expect(nodes?.data).toMatchObject({ created: [], adopted: ['node-1', 'node-2', 'node-3'] });
    const resumeRequests = emulator.requests.slice(requestsBefore);
    expect(resumeRequests.filter((r) => r.method === 'POST' && r.path === '/v2/droplets')).toEqual([]);
    expect(resumeRequests.filter((r) => r.method === 'POST' && r.path === '/v2/vpcs')).toEqual([]);

    // Nothing billable or named by the run is left; the region's own default VPC stays.
    expect(await names('/droplets', 'droplets')).toEqual([]);
    expect(await names('/firewalls', 'firewalls')).toEqual([]);
    expect(await names('/vpcs', 'vpcs')).toEqual(['nyc1-home']);
    expect(await names('/tags', 'tags')).toEqual([]);
  });
});

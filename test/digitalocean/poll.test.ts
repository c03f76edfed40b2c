// One shared poll loop: while droplets boot, each round is one list request, however many droplets wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/lab/emulator/index.js';
import { provisionDroplets } from '../../src/targets/digitalocean/index.js';
import { newToken, startTestEmulator, targetFor } from './helpers.js';

const token = newToken();
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator(token, { bootDelayMs: 300 });
});
afterAll(async () => {
  await emulator?.close();
});

function pollRequests(tag: string): number {
  return emulator.requests.filter(
    (r) => r.method === 'GET' && r.path === '/v2/droplets' && r.query.includes(`tag_name=${tag}`),
  ).length;
}

describe('provisionDroplets', () => {
  it.each([1, 5])('%i droplets: one list request per poll round, progress counts them', async (count) => {
    const tag = `poll-${count}`;
    const names = Array.from({ length: count }, (_, i) => `${tag}-node-${i + 1}`);
    const progress: string[] = [];
    const result = await provisionDroplets(
      targetFor(emulator, token),
      { names, region: 'nyc1', size: 's-1vcpu-1gb', image: 'ubuntu-24-04-x64', tags: [tag] },
      { onProgress: (message) => progress.push(message) },
    );
    expect(result.created).toEqual(names);
    expect(result.droplets.every((d) => d.status === 'active')).toBe(true);
    expect(result.pollRounds).toBeGreaterThan(1);
    expect(pollRequests(tag)).toBe(result.pollRounds);
    expect(progress.at(0)).toMatch(new RegExp(`^0 of ${count} droplets active, \\d+ s$`));
    expect(progress.at(-1)).toMatch(new RegExp(`^${count} of ${count} droplets active, \\d+ s$`));
  });
});

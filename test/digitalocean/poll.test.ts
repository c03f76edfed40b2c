// One shared poll loop: while droplets boot, each round is one list request, however many droplets wait.
import { describe, expect, it } from 'vitest';
import { provisionDroplets } from '../../src/targets/digitalocean/index.js';
import { targetFor, withEmulator } from './helpers.js';

const api = withEmulator({ bootDelayMs: 300 });

function pollRequests(tag: string): number {
  return api.emulator.requests.filter(
    (r) => r.method === 'GET' && r.path === '/v2/droplets' && r.query.includes(`tag_name=${tag}`),
  ).length;
}

describe('provisionDroplets', () => {
  it.each([1, 5])('%i droplets: one list request per poll round, progress counts them', async (count) => {
    const tag = `poll-${count}`;
    const names = Array.from({ length: count }, (_, i) => `${tag}-node-${i + 1}`);
    const progress: string[] = [];
    const result = await provisionDroplets(
      targetFor(api.emulator, api.token),
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

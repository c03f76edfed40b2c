// A rebooted droplet's private address: one bring-up per boot, and none left over from an earlier boot.
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BootAddresses } from './boot-address.js';
import type { DropletLinks } from './netns.js';
import { addPrivateAddress, removePrivateAddress } from './network.js';

vi.mock('./network.js', () => ({ addPrivateAddress: vi.fn(), removePrivateAddress: vi.fn() }));

const links = { namespace: 'dbk-test-d1', privateCidr: '10.10.0.11/24' } as DropletLinks;
const droplet = { id: 1, name: 'redis-2' };

beforeEach(() => {
  vi.mocked(addPrivateAddress).mockReset().mockResolvedValue();
  vi.mocked(removePrivateAddress).mockReset().mockResolvedValue();
});

describe('BootAddresses', () => {
  it('brings the address up once when a second bring-up is asked for before the first came', async () => {
    const log = vi.fn();
    const addresses = new BootAddresses(10, log);
    await addresses.bringUpLater(droplet, links);
    await addresses.bringUpLater(droplet, links);
    await vi.waitFor(() =>
      expect(log).toHaveBeenCalledWith('droplet redis-2: private address up 10 ms into its boot'),
    );
    expect(addPrivateAddress).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledTimes(1);
  });

  it("takes the address down with an earlier boot's bring-up cancelled, so it cannot come back meanwhile", async () => {
    // Removing the address takes longer than the earlier boot's delay, as an `ip` call can.
    vi.mocked(removePrivateAddress).mockImplementation(() => sleep(30));
    const addresses = new BootAddresses(0, () => {});
    await addresses.bringUpLater(droplet, links);
    await addresses.takeDown(droplet.id, links);
    expect(removePrivateAddress).toHaveBeenCalledTimes(1);
    expect(addPrivateAddress).not.toHaveBeenCalled();
  });
});

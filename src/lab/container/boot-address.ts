// The private address of a rebooting droplet comes up during its boot, not before it: on DigitalOcean the
// agent/netplan configures eth1 while the machine boots, and a unit ordered only after network-online.target
// can start before the address is there (the bind race Redis >= 6.2 has on a real reboot).
import { setTimeout as sleep } from 'node:timers/promises';
import type { DropletLinks } from './netns.js';
import { addPrivateAddress, removePrivateAddress } from './network.js';

/**
 * How long after a reboot's init starts the private address comes up: long enough that Redis (about
 * 1–2 s into a container boot) starts first and meets the race.
 */
export const PRIVATE_ADDRESS_DELAY_MS = 5_000;

export class BootAddresses {
  /** Rebooted droplets whose private address is still to come up. */
  private readonly pending = new Map<number, { abort: AbortController; done: Promise<void> }>();

  constructor(
    private readonly delayMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Before the machine starts: it boots without its private address. An earlier boot's bring-up still
   * pending is cancelled first, or it could add the address back while this boot comes up.
   */
  async takeDown(dropletId: number, links: DropletLinks): Promise<void> {
    await this.cancel(dropletId);
    await removePrivateAddress(links);
  }

  /**
   * Once its init runs: the address comes up after the delay, unless the droplet is powered off first. An
   * earlier bring-up still pending is cancelled: one boot, one address coming up, after this boot's delay.
   */
  async bringUpLater(droplet: { id: number; name: string }, links: DropletLinks): Promise<void> {
    await this.cancel(droplet.id);
    const abort = new AbortController();
    const done = sleep(this.delayMs, undefined, { signal: abort.signal })
      .then(() => addPrivateAddress(links))
      .then(
        () => this.log(`droplet ${droplet.name}: private address up ${this.delayMs} ms into its boot`),
        (error: Error) => {
          if (!abort.signal.aborted) {
            this.log(
              `droplet ${droplet.name}: private address ${links.privateCidr} not added: ${error.message}`,
            );
          }
        },
      )
      .finally(() => {
        if (this.pending.get(droplet.id)?.abort === abort) this.pending.delete(droplet.id);
      });
    this.pending.set(droplet.id, { abort, done });
  }

  /** The droplet goes off (or away) before its address came up: it stays down. */
  async cancel(dropletId: number): Promise<void> {
    const pending = this.pending.get(dropletId);
    if (!pending) return;
    pending.abort.abort();
    await pending.done;
  }

  async cancelAll(): Promise<void> {
    for (const id of [...this.pending.keys()]) await this.cancel(id);
  }
}

// Sentinel's patience while a switchover holds writes. Under CLIENT PAUSE WRITE, a Sentinel's hello PUBLISH
// to the master blocks, and the PINGs it sends after it on the same connection wait behind it: a Sentinel
// whose down-after-milliseconds is shorter than the pause calls the paused master down (+sdown, +odown with
// the others) and starts a failover of its own against the one the switchover sent. So for the pause every
// Sentinel waits at least as long as the pause can last, and gets its own value back once the master
// answers its PINGs again.
import type { NodeAddress } from '../../targets/redis/inventory.js';
import type { SwitchoverOptions } from './coordinated-switchover.js';
import { RECOVERY_TIMEOUT_MS, sentinelMasterFields } from './switchover-observe.js';

export interface RaisedPatience {
  sentinel: NodeAddress;
  /** The Sentinel's own down-after-milliseconds, put back after the pause. */
  fromMs: number;
  toMs: number;
}

type PatienceOptions = Pick<
  SwitchoverOptions,
  'pool' | 'sentinels' | 'sentinelSettings' | 'masterName' | 'signal' | 'nameOf'
>;

function setDownAfter(options: PatienceOptions, sentinel: NodeAddress, ms: number, signal: AbortSignal) {
  return options.pool.call(
    sentinel,
    options.sentinelSettings,
    ['SENTINEL', 'SET', options.masterName, 'down-after-milliseconds', String(ms)],
    signal,
  );
}

/**
 * Raises down-after-milliseconds to atLeastMs on every Sentinel below it. A Sentinel that does not answer is
 * left as it is (alone it cannot reach the quorum for +odown); a SET that fails puts back the ones raised.
 */
export async function raisePatience(options: PatienceOptions, atLeastMs: number): Promise<RaisedPatience[]> {
  const raised: RaisedPatience[] = [];
  try {
    for (const sentinel of options.sentinels) {
      const fields = await sentinelMasterFields(options, sentinel, options.signal).catch(() => undefined);
      const fromMs = Number(fields?.['down-after-milliseconds']);
      if (!Number.isFinite(fromMs) || fromMs >= atLeastMs) continue;
      await setDownAfter(options, sentinel, atLeastMs, options.signal);
      raised.push({ sentinel, fromMs, toMs: atLeastMs });
    }
    return raised;
  } catch (error) {
    await restorePatience(options, raised);
    throw error;
  }
}

/**
 * Puts each Sentinel's own down-after-milliseconds back once its PINGs are answered again (at once, it would
 * judge the PING still waiting from the pause by the short value and flag the master down), within
 * RECOVERY_TIMEOUT_MS. Returns what could not be put back, as the commands that would.
 */
export async function restorePatience(options: PatienceOptions, raised: RaisedPatience[]): Promise<string[]> {
  const waitUntil = Date.now() + RECOVERY_TIMEOUT_MS;
  const left: string[] = [];
  for (const { sentinel, fromMs } of raised) {
    try {
      while (Date.now() < waitUntil) {
        const fields = await sentinelMasterFields(
          options,
          sentinel,
          AbortSignal.timeout(RECOVERY_TIMEOUT_MS),
        );
        if (Number(fields['last-ok-ping-reply']) < fromMs / 2) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch {
      // A Sentinel that does not answer now is still given its value back below, or named.
    }
    try {
      await setDownAfter(options, sentinel, fromMs, AbortSignal.timeout(RECOVERY_TIMEOUT_MS));
    } catch {
      left.push(
        `SENTINEL SET ${options.masterName} down-after-milliseconds ${fromMs} on ${options.nameOf(sentinel.address)}`,
      );
    }
  }
  return left;
}

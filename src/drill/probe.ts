// A background client that writes like the application does (ioredis in Sentinel mode) and records what
// each write lived through, so a drill measures availability and data loss instead of trusting Sentinel.
import type { Redis, RedisOptions } from 'ioredis';
import type { HostReach } from '../targets/host-guard.js';
import { type AddressMap, directAddresses } from '../targets/redis/address-map.js';
import { createRedisClient } from '../targets/redis/load-ioredis.js';
import type { WriteRecord } from './probe-stats.js';
import { plainWriteError } from './write-errors.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface ProbeOptions {
  name: string;
  runId: string;
  /** The Sentinels' own (private) addresses. */
  sentinels: HostPort[];
  /**
   * How every connection reaches those addresses and the ones Sentinels name: the run's jump host
   * (connection layer) when there is one; direct by default. Addresses a failover may promote should be
   * prepared in advance (AddressMap.prepare).
   */
  addresses?: AddressMap;
  masterName: string;
  password?: string;
  username?: string;
  sentinelPassword?: string;
  ratePerSecond: number;
  /** A write with no reply after this long is indeterminate: it may or may not have been applied. */
  writeTimeoutMs: number;
  /** Probe keys expire so repeated drills do not fill the dataset. */
  keyTtlSeconds: number;
  /** Monotonic ms on the run's axis. */
  now: () => number;
  /** Loopback only on the lab target: the probe connects from this machine (targets/host-guard.ts). */
  reach: HostReach;
  /** Probe milestones for the drill timeline: first failure, recovery, master change. */
  onMilestone: (name: string, detail: string) => void;
}

export interface ProbeRun {
  records: WriteRecord[];
  masterBefore: string | null;
  masterAfter: string | null;
  /** When this probe's own Sentinel subscription saw +switch-master (first Sentinel to report it). */
  switchMasterSeenAt: number | null;
  clientOptions: Record<string, unknown>;
}

export interface StopRecovery {
  /** How long stop() writes on, when writes are failing, for one to be acknowledged again. */
  recoverWithinMs: number;
  signal?: AbortSignal;
  /** Told when stop() starts writing on, so the operator sees why the step has not ended. */
  onWaiting?: () => void;
}

/** Backoff for reconnects: short and capped, so recovery after a switch is tens of ms, not seconds. */
const RECONNECT_CAP_MS = 50;
/** How long start() tries to reach a master through the Sentinels before the step fails. */
const START_TIMEOUT_MS = 15_000;

export class Probe {
  private readonly options: ProbeOptions;
  private client: Redis | undefined;
  private readonly subscribers: Redis[] = [];
  private readonly records: WriteRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private startedAt = 0;
  private currentMaster: string | null = null;
  private masterBefore: string | null = null;
  private switchMasterSeenAt: number | null = null;
  private failing = false;
  /** Set while stop() waits for writes to recover; called by the first acknowledged write after failures. */
  private onRecovered: (() => void) | undefined;
  private readonly clientOptions: RedisOptions;
  private readonly addresses: AddressMap;

  constructor(options: ProbeOptions) {
    this.options = options;
    this.addresses = options.addresses ?? directAddresses;
    this.clientOptions = {
      sentinels: options.sentinels,
      // Through a jump host the Sentinels' answers are translated to local forwards, and Sentinels the
      // client learns about are not added (their addresses would bypass the map).
      natMap: this.addresses.natMap,
      updateSentinels: this.addresses.via === undefined,
      name: options.masterName,
      password: options.password,
      username: options.username,
      sentinelPassword: options.sentinelPassword,
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.writeTimeoutMs,
      connectTimeout: 1000,
      sentinelCommandTimeout: 500,
      retryStrategy: (attempt: number) => Math.min(attempt * 10, RECONNECT_CAP_MS),
      sentinelRetryStrategy: (attempt: number) => Math.min(attempt * 10, RECONNECT_CAP_MS),
      // Not NOREPLICAS: a master refusing writes for min-replicas-to-write is usually still the master (its
      // replica is down or lagging), so re-resolving finds it again; as ioredis resets the retry count on each
      // ready, every refused write would cost a reconnect (Sentinel query, connection, AUTH) 10 ms later, and
      // the writes in between would fail with connection errors instead of the refusal a drill measures. An
      // isolated master the Sentinels replaced is left when any Sentinel the probe can reach announces
      // +switch-master (onSwitchMaster).
      reconnectOnError: (error: Error) => (/READONLY|MASTERDOWN|LOADING/.test(error.message) ? 1 : false),
    };
  }

  /** Connects through Sentinel like the application, subscribes to +switch-master, then starts writing. */
  async start(): Promise<string> {
    const sentinels = await Promise.all(this.options.sentinels.map((s) => this.addresses.endpoint(s)));
    const client = await createRedisClient({ ...this.clientOptions, sentinels }, this.options.reach);
    this.client = client;
    client.on('error', () => {
      // Failures are recorded per write; connection errors are expected during a failover.
    });
    client.on('ready', () => this.noteConnectedMaster());
    // ioredis retries unreachable Sentinels forever; the step must fail instead of hanging.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no master reached through Sentinel within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([client.connect(), deadline]);
    } finally {
      clearTimeout(timer);
    }
    this.noteConnectedMaster();
    this.masterBefore = this.currentMaster;
    await this.subscribeToSwitches();
    this.startedAt = this.options.now();
    this.timer = setInterval(() => this.issueDueWrites(), 2);
    return this.masterBefore ?? 'unknown';
  }

  /**
   * Stops issuing writes, waits for the ones in flight, and closes every connection it opened. Stopped while
   * writes fail (a switchover's waiting writes refused an instant ago, a client still re-resolving the
   * master), it writes on until one is acknowledged again or `recoverWithinMs` passes: a drill stopped a
   * moment too early would otherwise report an outage that never ended.
   */
  async stop(recovery: StopRecovery): Promise<ProbeRun> {
    // Writes already sent may still fail (a paused master's, timing out): judge "failing" on their answers.
    await Promise.allSettled([...this.inFlight]);
    if (this.failing && recovery.recoverWithinMs > 0) {
      recovery.onWaiting?.();
      await this.untilRecovered(recovery.recoverWithinMs, recovery.signal);
    }
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
    const masterAfter = this.currentMaster;
    this.client?.disconnect();
    for (const subscriber of this.subscribers) subscriber.disconnect();
    return {
      records: this.records,
      masterBefore: this.masterBefore,
      masterAfter,
      switchMasterSeenAt: this.switchMasterSeenAt,
      clientOptions: describeOptions(this.clientOptions, this.addresses.via),
    };
  }

  /** Resolves at the first acknowledged write, after withinMs, or on abort, whichever comes first. */
  private untilRecovered(withinMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        this.onRecovered = undefined;
        resolve();
      };
      const timer = setTimeout(finish, withinMs);
      signal?.addEventListener('abort', finish, { once: true });
      this.onRecovered = finish;
      if (signal?.aborted) finish();
    });
  }

  /** Tears everything down without waiting (abort path). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.client?.disconnect();
    for (const subscriber of this.subscribers) subscriber.disconnect();
  }

  private noteConnectedMaster(): void {
    const stream = (this.client as unknown as { stream?: { remoteAddress?: string; remotePort?: number } })
      .stream;
    if (!stream?.remoteAddress) return;
    const address = this.addresses.nodeAddressOf(stream.remoteAddress, stream.remotePort ?? 0);
    if (this.currentMaster !== null && this.currentMaster !== address) {
      this.options.onMilestone('probe-master-changed', `${this.options.name} now writes to ${address}`);
    }
    this.currentMaster = address;
  }

  private async subscribeToSwitches(): Promise<void> {
    await Promise.all(
      this.options.sentinels.map(async (sentinel) => {
        const endpoint = await this.addresses.endpoint(sentinel);
        const subscriber = await createRedisClient(
          {
            host: endpoint.host,
            port: endpoint.port,
            password: this.options.sentinelPassword,
            lazyConnect: true,
            connectTimeout: 1000,
            retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
          },
          this.options.reach,
        );
        subscriber.on('error', () => {
          // A Sentinel being down is part of some drills; the other Sentinels still report the switch.
        });
        subscriber.on('message', (channel: string) => {
          if (channel === '+switch-master') this.onSwitchMaster();
        });
        this.subscribers.push(subscriber);
        try {
          await subscriber.connect();
          await subscriber.subscribe('+switch-master');
        } catch {
          // Reported through the drill's Sentinel health checks, not here.
        }
      }),
    );
  }

  private onSwitchMaster(): void {
    if (this.switchMasterSeenAt !== null && this.options.now() - this.switchMasterSeenAt < 1000) return;
    this.switchMasterSeenAt = this.options.now();
    // The old connection may still be open to a demoted or frozen master: re-resolve through Sentinel now.
    const client = this.client;
    if (client && (client.status === 'ready' || client.status === 'connect')) client.disconnect(true);
  }

  private issueDueWrites(): void {
    const elapsed = this.options.now() - this.startedAt;
    const due = Math.floor((elapsed * this.options.ratePerSecond) / 1000) + 1;
    while (this.seq < due) this.write(++this.seq);
  }

  private write(seq: number): void {
    const key = `drill:${this.options.runId}:${this.options.name}:${seq}`;
    const sentAt = this.options.now();
    const client = this.client;
    if (!client) return;
    const master = client.status === 'ready' ? (this.currentMaster ?? undefined) : undefined;
    const done = client
      .set(key, String(sentAt), 'EX', this.options.keyTtlSeconds)
      .then(
        () => this.record({ seq, key, sentAt, doneAt: this.options.now(), outcome: 'acknowledged', master }),
        (error: Error) =>
          this.record({
            seq,
            key,
            sentAt,
            doneAt: this.options.now(),
            outcome: classify(error),
            master,
            error: plainWriteError(error.message),
          }),
      )
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private record(record: WriteRecord): void {
    this.records.push(record);
    if (record.outcome !== 'acknowledged' && !this.failing) {
      this.failing = true;
      this.options.onMilestone(
        'probe-write-failed',
        `${this.options.name}: ${record.error ?? record.outcome}`,
      );
    } else if (record.outcome === 'acknowledged' && this.failing) {
      this.failing = false;
      this.options.onMilestone(
        'probe-recovered',
        `${this.options.name} wrote to ${record.master ?? this.currentMaster}`,
      );
      this.onRecovered?.();
    }
  }
}

/**
 * A reply error (READONLY, NOREPLICAS ...) or an unwritable connection means the write was not applied;
 * a timeout, or a connection that closed with the write sent, leaves it unknown.
 */
function classify(error: Error): 'failed' | 'indeterminate' {
  return /timed out|Connection is closed/i.test(error.message) ? 'indeterminate' : 'failed';
}

function describeOptions(options: RedisOptions, via: string | undefined): Record<string, unknown> {
  return {
    mode: 'sentinel',
    name: options.name,
    sentinels: (options.sentinels ?? []).map((s) => `${s.host}:${s.port}`),
    enableOfflineQueue: options.enableOfflineQueue,
    autoResendUnfulfilledCommands: options.autoResendUnfulfilledCommands,
    commandTimeout: options.commandTimeout,
    connectTimeout: options.connectTimeout,
    retryStrategy: `min(attempt × 10, ${RECONNECT_CAP_MS}) ms`,
    reconnectOnError: 'READONLY | MASTERDOWN | LOADING → reconnect',
    via: via ?? 'direct',
    switchMasterSubscription: true,
  };
}

// One merged, timestamped stream of every Sentinel's pub/sub events (PSUBSCRIBE *), for the drill
// timeline and `wait event=`. Subscribers reconnect with a capped backoff when a Sentinel restarts.
// The same event from several Sentinels within a second is one event with seenBy/seenAt (sentinel-merge.ts).
import type { Redis } from 'ioredis';
import type { ActionContext } from '../../contract/action.js';
import { type ConnectionSettings, clientOptions } from './connection.js';
import type { NodeAddress } from './inventory.js';
import { createRedisClient } from './load-ioredis.js';
import { createEventMerger, MERGE_WINDOW_MS, type SentinelEvent } from './sentinel-merge.js';

// A restarted Sentinel announces what it learns from the others (+config-update-from, +switch-master,
// +convert-to-slave) from its first hello exchange on, a second or two after it starts listening; pub/sub
// keeps no history, so the subscriber must be back before that.
const RECONNECT_MAX_MS = 200;
// A subscriber only listens, so when a Sentinel restarts and its FIN is lost (a power cut, a partition) the
// subscription would wait forever on a socket nobody writes to, missing everything the restarted Sentinel
// says. A PING each second fixes that: the restarted machine answers it with a reset, and the subscriber
// reconnects at once. A PING that is merely slow drops nothing — a frozen Sentinel is still there and
// announces +tilt the moment it is thawed, before any new subscription could be in place.
const HEARTBEAT_MS = 1000;

export type { SentinelEvent } from './sentinel-merge.js';

export interface SentinelEventStreamOptions {
  settings: ConnectionSettings;
  now: () => number;
  /** Called once per merged event, after its merge window, with everything known about it. */
  onSettled?: (event: SentinelEvent) => void;
  /** Called when a subscriber connects, reconnects, loses its Sentinel, or is refused PSUBSCRIBE (detail: why). */
  onConnection?: (sentinel: NodeAddress, state: 'connected' | 'lost' | 'refused', detail?: string) => void;
}

export interface SentinelEventStream {
  /** Every event so far, oldest first (merged entries keep growing their seenBy). */
  readonly events: readonly SentinelEvent[];
  /** Sentinel names with a live subscription. */
  readonly connected: ReadonlySet<string>;
  /** Sentinels the stream subscribes to. */
  readonly sentinels: readonly NodeAddress[];
  /** Records the master address Sentinels name for a master name (also done on every +switch-master). */
  noteMaster(name: string, address: string, t?: number): void;
  /** The address noted for a master name as of time t (the earliest noted when t precedes it; undefined when none). */
  masterAt(name: string, t: number): string | undefined;
  /** Subscribes to another Sentinel (no-op when already subscribed to that address). */
  add(sentinel: NodeAddress): void;
  /**
   * Puts every event still in its merge window on the timeline now, with the sightings so far: for a block
   * that already knows every Sentinel has acted (op=switchover) and whose result the next step reads.
   */
  flush(): void;
  /** Resolves once every Sentinel's first subscription attempt has finished (or after timeoutMs). */
  ready(timeoutMs?: number): Promise<void>;
  /** Called on every new event and every new sighting of a known one. */
  subscribe(listener: (event: SentinelEvent) => void): () => void;
  /** The first event (t ≥ since) matching, waiting for it; rejects on abort or timeout. */
  waitFor(
    match: (event: SentinelEvent) => boolean,
    options: { since?: number; timeoutMs: number; signal?: AbortSignal },
  ): Promise<SentinelEvent>;
  close(): Promise<void>;
}

export function createSentinelEventStream(options: SentinelEventStreamOptions): SentinelEventStream {
  const connected = new Set<string>();
  const merger = createEventMerger(
    (event) => options.onSettled?.(event),
    MERGE_WINDOW_MS,
    () => connected,
  );
  const events = merger.events;
  const listeners = new Set<(event: SentinelEvent) => void>();
  const clients = new Map<string, Redis | undefined>();
  const firstAttempts: Promise<void>[] = [];
  const heartbeats = new Set<NodeJS.Timeout>();
  const sentinels: NodeAddress[] = [];
  const masters = new Map<string, Array<{ address: string; t: number }>>();
  let closed = false;

  const noteMaster = (name: string, address: string, t = options.now()) => {
    const history = masters.get(name) ?? [];
    if (history.at(-1)?.address !== address) history.push({ address, t });
    masters.set(name, history);
  };

  const receive = (sentinel: NodeAddress, channel: string, payload: string) => {
    const known = events.length;
    const event = merger.receive(sentinel.name, channel, payload, options.now());
    if (!event) return;
    if (events.length > known && event.name === '+switch-master' && event.master && event.to) {
      noteMaster(event.master.name, event.to, event.t);
    }
    for (const listener of listeners) listener(event);
  };

  const subscribe = async (sentinel: NodeAddress): Promise<void> => {
    // Through a jump host the subscription connects to the local forward, but keeps the Sentinel's name.
    const tunnel = options.settings.tunnel
      ? await options.settings.tunnel().catch(() => undefined)
      : undefined;
    const endpoint = tunnel ? await tunnel.forward(sentinel.host, sentinel.port) : sentinel;
    if (closed) return;
    const client = await createRedisClient(
      {
        ...clientOptions({ ...sentinel, host: endpoint.host, port: endpoint.port }, options.settings),
        commandTimeout: undefined,
        lazyConnect: false,
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
        autoResubscribe: true,
        retryStrategy: (times: number) => Math.min(50 * times, RECONNECT_MAX_MS),
        connectionName: 'drillbook-events',
      },
      options.settings.reach,
    );
    client.on('error', () => undefined);
    if (closed) {
      client.disconnect();
      return;
    }
    clients.set(sentinel.address, client);
    client.on('ready', () => {
      if (!connected.has(sentinel.name)) options.onConnection?.(sentinel, 'connected');
      connected.add(sentinel.name);
    });
    client.on('close', () => {
      if (connected.delete(sentinel.name) && !closed) options.onConnection?.(sentinel, 'lost');
    });
    client.on('pmessage', (_pattern: string, channel: string, payload: string) =>
      receive(sentinel, channel, payload),
    );
    heartbeats.add(heartbeat(client));
    await client.psubscribe('*').then(
      () => undefined,
      (error: unknown) => {
        if (!closed)
          options.onConnection?.(sentinel, 'refused', error instanceof Error ? error.message : String(error));
      },
    );
  };

  /** PINGs a ready subscriber every HEARTBEAT_MS, one PING at a time. */
  const heartbeat = (client: Redis): NodeJS.Timeout => {
    let waiting = false;
    const timer = setInterval(() => {
      if (waiting || client.status !== 'ready') return;
      waiting = true;
      const answered = () => {
        waiting = false;
      };
      client.ping().then(answered, answered);
    }, HEARTBEAT_MS);
    timer.unref();
    return timer;
  };

  const add = (sentinel: NodeAddress) => {
    if (closed || clients.has(sentinel.address)) return;
    sentinels.push(sentinel);
    clients.set(sentinel.address, undefined);
    firstAttempts.push(subscribe(sentinel).catch(() => undefined));
  };

  const stream: SentinelEventStream = {
    events,
    connected,
    sentinels,
    add,
    noteMaster,
    flush() {
      merger.flush();
    },
    masterAt(name, t) {
      const history = masters.get(name) ?? [];
      // Before the first note the earliest known address is the best guess of what was in force.
      return (history.filter((entry) => entry.t <= t).at(-1) ?? history[0])?.address;
    },
    async ready(timeoutMs = 3000) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(firstAttempts),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitFor(match, { since = Number.NEGATIVE_INFINITY, timeoutMs, signal }) {
      const seen = events.find((e) => e.t >= since && match(e));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const done = () => {
          unsubscribe();
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        const unsubscribe = stream.subscribe((event) => {
          if (event.t >= since && match(event)) {
            done();
            resolve(event);
          }
        });
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching Sentinel event within ${timeoutMs} ms`));
        }, timeoutMs);
        const onAbort = () => {
          done();
          reject(signal?.reason ?? new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async close() {
      closed = true;
      for (const timer of heartbeats) clearInterval(timer);
      heartbeats.clear();
      merger.flush();
      listeners.clear();
      for (const client of clients.values()) client?.disconnect();
      clients.clear();
      connected.clear();
    },
  };
  return stream;
}

const RESOURCE_KEY = 'redis.sentinel-events';

const CONNECTION_EVENTS = {
  connected: 'subscribed',
  lost: 'subscription-lost',
  refused: 'subscription-refused',
} as const;

/**
 * The run's Sentinel event stream, started on first use and closed with the run. Settled events go to the
 * timeline (source "sentinel", seenBy = who reported it, detail with each Sentinel's offset).
 */
export function runSentinelEvents(
  ctx: Pick<ActionContext, 'resources' | 'now' | 'timeline' | 'output'>,
  sentinels: readonly NodeAddress[],
  settings: ConnectionSettings,
): SentinelEventStream {
  const stream = ctx.resources.get(
    RESOURCE_KEY,
    () =>
      createSentinelEventStream({
        settings,
        now: ctx.now,
        onSettled: (event) =>
          ctx.timeline('sentinel', event.name, describeEvent(event), event.seenBy, event.t),
        onConnection: (sentinel, state, detail) =>
          ctx.timeline(
            'sentinel-stream',
            CONNECTION_EVENTS[state],
            `${sentinel.name} (${sentinel.address})${detail ? `: ${detail}` : ''}${state === 'lost' ? ' — reconnecting' : ''}`,
          ),
      }),
    (value) => value.close(),
  );
  for (const sentinel of sentinels) stream.add(sentinel);
  return stream;
}

/** The payload plus who saw it when, relative to the first report. */
export function describeEvent(event: SentinelEvent): string {
  const seen = event.seenBy.map(
    (name) => `${name} +${Math.round((event.seenAt[name] ?? event.t) - event.t)}ms`,
  );
  return `${event.detail} (seen by ${seen.join(', ')})`;
}

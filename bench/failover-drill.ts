// One failover drill measured two ways at once: drillbook's probe, and a plain ioredis Sentinel client with
// default retry options, writing at the same rate, while the master is SIGKILLed.
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Probe } from '../src/drill/probe.js';
import type { TestRedisCluster } from '../test/helpers/redis-cluster.js';

export { startRedisCluster } from '../test/helpers/redis-cluster.js';

export interface DrillFigures {
  /** Fault → first +switch-master (ms). */
  switchMs: number;
  /** First ack after the switch, minus the switch time (ms). */
  probeLagMs: number;
  plainLagMs: number;
  /** Fault → first successful write after the fault (ms). */
  probeRtoMs: number;
  plainRtoMs: number;
}

const RATE = 200;
/** A gap between acknowledged writes this long (40 write intervals) is an outage, not jitter. */
const OUTAGE_GAP_MS = 200;

/** A plain application client: Sentinel mode, ioredis defaults for retries and queueing. */
function plainWriter(cluster: TestRedisCluster, now: () => number) {
  const client = new Redis({
    sentinels: cluster.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: 'mymaster',
    password: cluster.password,
  });
  client.on('error', () => {});
  const acks: number[] = [];
  let seq = 0;
  const timer = setInterval(() => {
    seq += 1;
    client.set(`plain:${seq}`, '1', 'EX', 600).then(
      () => acks.push(now()),
      () => {},
    );
  }, 1000 / RATE);
  return {
    /**
     * When writes came back after the outage that followed t: the first acknowledgement after t that ends a
     * gap of OUTAGE_GAP_MS. Not simply the first acknowledgement after t, which can be a write sent before
     * the fault landed (ioredis queues and retries rather than failing, so there may be no failure to see).
     */
    recoveredAfter: (t: number) =>
      acks.find((a, i) => a > t && i > 0 && a - (acks[i - 1] as number) >= OUTAGE_GAP_MS),
    stop: () => {
      clearInterval(timer);
      client.disconnect();
    },
  };
}

async function waitUntil(what: string, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function measureFailover(cluster: TestRedisCluster): Promise<DrillFigures> {
  const origin = performance.now();
  const now = () => performance.now() - origin;
  const switches: number[] = [];
  const watchers = cluster.sentinels.map((s) => {
    const watcher = new Redis({ host: s.host, port: s.port, lazyConnect: true });
    watcher.on('error', () => {});
    watcher.on('message', () => switches.push(now()));
    return watcher;
  });
  await Promise.all(
    watchers.map(async (watcher) => {
      await watcher.connect();
      await watcher.subscribe('+switch-master');
    }),
  );

  const acks: number[] = [];
  const probe = new Probe({
    name: 'bench',
    runId: `bench-${Date.now()}`,
    sentinels: cluster.sentinels.map((s) => ({ host: s.host, port: s.port })),
    masterName: 'mymaster',
    password: cluster.password,
    reach: 'loopback-only',
    ratePerSecond: RATE,
    writeTimeoutMs: 500,
    keyTtlSeconds: 600,
    now,
    onMilestone: (name) => {
      if (name === 'probe-recovered') acks.push(now());
    },
  });
  await probe.start();
  const plain = plainWriter(cluster, now);
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const master = await cluster.currentMaster();
  const victim = cluster.nodes.find((n) => n.address === master);
  if (!victim) throw new Error(`no node at ${master}`);
  const faultAt = now();
  await cluster.kill(victim.name);
  await waitUntil('+switch-master', () => switches.length > 0);
  const switchAt = switches[0] ?? 0;
  await waitUntil('both clients writing again', () => {
    return acks.some((a) => a > switchAt) && plain.recoveredAfter(faultAt) !== undefined;
  });
  // Both clients already wrote again: nothing to wait for.
  const run = await probe.stop({ recoverWithinMs: 0 });
  plain.stop();
  for (const w of watchers) w.disconnect();
  await cluster.restart(victim.name);
  await cluster.waitHealthy();

  const probeFirst = run.records
    .filter((r) => r.outcome === 'acknowledged' && r.sentAt > faultAt)
    .map((r) => r.doneAt)
    .sort((a, b) => a - b)[0];
  const plainFirst = plain.recoveredAfter(faultAt) ?? Number.NaN;
  const probeRecovered = acks.find((a) => a > faultAt) ?? probeFirst ?? Number.NaN;
  return {
    switchMs: switchAt - faultAt,
    probeLagMs: probeRecovered - switchAt,
    plainLagMs: plainFirst - switchAt,
    probeRtoMs: probeRecovered - faultAt,
    plainRtoMs: plainFirst - faultAt,
  };
}

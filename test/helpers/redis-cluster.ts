/**
 * A REAL Redis Sentinel cluster for integration tests: one master, N replicas and M Sentinels, each a
 * redis-server / redis-sentinel process bound to its own address on a loopback subnet you choose, with
 * its own temp dir and config file (Sentinels rewrite theirs), requirepass/masterauth/auth-pass set, and
 * bind-source-addr so every process connects out from its own address.
 *
 * API
 *   const cluster = await startRedisCluster({ subnet: '127.40.1' });   // waits until healthy
 *   cluster.nodes / cluster.redis / cluster.sentinels                 // ClusterNode[] (name, kind, host, port, address, pid)
 *   cluster.node('redis-1')                                           // by name
 *   cluster.inventory                                                 // Inventory (src/targets/redis/inventory.ts) for action tests
 *   cluster.sentinelAddresses                                         // "host:port,host:port,..." (the `sentinels` var)
 *   await cluster.client('redis-1') / cluster.client('sentinel-1')     // authenticated ioredis client, closed by stop()
 *   await cluster.kill('redis-1')      // SIGKILL (a crash), resolves once the process is gone
 *   await cluster.terminate(name)      // SIGTERM (graceful)
 *   await cluster.restart(name)        // start again from the same config and data dir
 *   await cluster.waitHealthy()        // CKQUORUM OK everywhere, Sentinels see each other and all replicas, links up
 *   await cluster.currentMaster()      // 'host:port' as the first reachable Sentinel names it
 *   await cluster.stop()               // kills every process by pid, closes clients, removes the temp dir
 *
 * Addresses: redis-K = <subnet>.(10+K):redisPort, sentinel-K = <subnet>.(20+K):sentinelPort. Use a distinct
 * subnet per test file: a cluster claims its subnet while it runs (subnet-claim.ts), so a second file starting
 * one there at the same time fails naming the first. Defaults: 1 replica, 3 Sentinels, quorum 2,
 * master name "mymaster", down-after 1000 ms, failover-timeout 6000 ms, passwords generated per cluster.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Inventory } from '../../src/targets/redis/inventory.js';
import { claimSubnet } from './subnet-claim.js';
import { requirePackages } from './system.js';

export interface RedisClusterOptions {
  /** First three octets, e.g. "127.40.1". */
  subnet: string;
  replicas?: number;
  sentinels?: number;
  quorum?: number;
  masterName?: string;
  password?: string;
  /** When set, Sentinels require it (requirepass + sentinel-pass); otherwise they accept anyone. */
  sentinelPassword?: string;
  redisPort?: number;
  sentinelPort?: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

export interface ClusterNode {
  name: string;
  kind: 'redis' | 'sentinel';
  host: string;
  port: number;
  address: string;
  dir: string;
  configFile: string;
  /** Undefined while the process is stopped. */
  pid: number | undefined;
}

export interface TestRedisCluster {
  dir: string;
  masterName: string;
  password: string;
  sentinelPassword: string | undefined;
  quorum: number;
  nodes: ClusterNode[];
  redis: ClusterNode[];
  sentinels: ClusterNode[];
  inventory: Inventory;
  sentinelAddresses: string;
  node(name: string): ClusterNode;
  client(name: string): Promise<Redis>;
  kill(name: string): Promise<void>;
  terminate(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  waitHealthy(timeoutMs?: number): Promise<void>;
  currentMaster(): Promise<string>;
  stop(): Promise<void>;
}

function redisConfig(
  node: ClusterNode,
  options: Required<RedisClusterOptions>,
  master?: ClusterNode,
): string {
  const lines = [
    `bind ${node.host}`,
    `bind-source-addr ${node.host}`,
    `port ${node.port}`,
    `dir ${node.dir}`,
    `logfile ${join(node.dir, 'redis.log')}`,
    'daemonize no',
    'save ""',
    'appendonly no',
    `requirepass ${options.password}`,
    `masterauth ${options.password}`,
    'repl-diskless-sync yes',
    'repl-diskless-sync-delay 0',
    'enable-debug-command yes',
  ];
  if (master) lines.push(`replicaof ${master.host} ${master.port}`);
  return `${lines.join('\n')}\n`;
}

function sentinelConfig(
  node: ClusterNode,
  options: Required<RedisClusterOptions>,
  master: ClusterNode,
): string {
  const name = options.masterName;
  const lines = [
    `bind ${node.host}`,
    `bind-source-addr ${node.host}`,
    `port ${node.port}`,
    `dir ${node.dir}`,
    `logfile ${join(node.dir, 'sentinel.log')}`,
    'daemonize no',
    `sentinel announce-ip ${node.host}`,
    `sentinel monitor ${name} ${master.host} ${master.port} ${options.quorum}`,
    `sentinel auth-pass ${name} ${options.password}`,
    `sentinel down-after-milliseconds ${name} ${options.downAfterMs}`,
    `sentinel failover-timeout ${name} ${options.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${name} 1`,
  ];
  if (options.sentinelPassword) {
    lines.push(
      `requirepass ${options.sentinelPassword}`,
      `sentinel sentinel-pass ${options.sentinelPassword}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

class OtherProcessAnswers extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startRedisCluster(input: RedisClusterOptions): Promise<TestRedisCluster> {
  requirePackages('redis-server', 'redis-sentinel');
  const options: Required<RedisClusterOptions> = {
    replicas: 1,
    sentinels: 3,
    quorum: 2,
    masterName: 'mymaster',
    password: `pw-${randomBytes(6).toString('hex')}`,
    sentinelPassword: '',
    redisPort: 6379,
    sentinelPort: 26379,
    downAfterMs: 1000,
    failoverTimeoutMs: 6000,
    ...input,
  } as Required<RedisClusterOptions>;
  const dir = await mkdtemp(join(tmpdir(), 'drillbook-redis-'));
  const processes = new Map<string, ChildProcess>();
  const clients: Redis[] = [];

  const makeNode = async (kind: 'redis' | 'sentinel', index: number): Promise<ClusterNode> => {
    const name = `${kind}-${index}`;
    const host = `${options.subnet}.${(kind === 'redis' ? 10 : 20) + index}`;
    const port = kind === 'redis' ? options.redisPort : options.sentinelPort;
    const nodeDir = join(dir, name);
    await mkdir(nodeDir);
    const configFile = join(nodeDir, kind === 'redis' ? 'redis.conf' : 'sentinel.conf');
    return { name, kind, host, port, address: `${host}:${port}`, dir: nodeDir, configFile, pid: undefined };
  };

  const redis: ClusterNode[] = [];
  for (let i = 1; i <= options.replicas + 1; i++) redis.push(await makeNode('redis', i));
  const sentinels: ClusterNode[] = [];
  for (let i = 1; i <= options.sentinels; i++) sentinels.push(await makeNode('sentinel', i));
  const nodes = [...redis, ...sentinels];
  const master = redis[0] as ClusterNode;
  for (const node of redis) {
    await writeFile(node.configFile, redisConfig(node, options, node === master ? undefined : master));
  }
  for (const node of sentinels) await writeFile(node.configFile, sentinelConfig(node, options, master));

  const node = (name: string): ClusterNode => {
    const found = nodes.find((n) => n.name === name);
    if (!found) throw new Error(`no node named ${name} in the test cluster`);
    return found;
  };

  const launch = async (target: ClusterNode): Promise<void> => {
    const binary = target.kind === 'redis' ? 'redis-server' : 'redis-sentinel';
    const child = spawn(binary, [target.configFile], { stdio: 'ignore' });
    child.on('error', () => undefined);
    processes.set(target.name, child);
    target.pid = child.pid;
    child.once('exit', () => {
      if (processes.get(target.name) === child) {
        processes.delete(target.name);
        target.pid = undefined;
      }
    });
    await waitForPing(target, child);
  };

  const connect = (target: ClusterNode, retry: boolean): Redis => {
    const password = target.kind === 'redis' ? options.password : options.sentinelPassword || undefined;
    const client = new Redis({
      host: target.host,
      port: target.port,
      password,
      lazyConnect: true,
      protocol: 2,
      connectTimeout: 1000,
      maxRetriesPerRequest: 1,
      retryStrategy: retry ? () => 200 : () => null,
    });
    client.on('error', () => undefined);
    return client;
  };

  const waitForPing = async (target: ClusterNode, child: ChildProcess): Promise<void> => {
    const deadline = Date.now() + 10_000;
    let lastError: unknown;
    while (Date.now() < deadline) {
      const client = connect(target, false);
      try {
        await client.connect();
        await client.ping();
        const answering = /process_id:(\d+)/.exec(await client.info('server'))?.[1];
        if (Number(answering) !== child.pid) {
          throw new OtherProcessAnswers(
            `${target.name} (${target.address}) is answered by pid ${answering}, not the ${child.pid} this cluster started: ` +
              'another cluster holds the address (a subnet shared between test files, or a leftover process)',
          );
        }
        return;
      } catch (error) {
        if (error instanceof OtherProcessAnswers) throw error;
        lastError = error;
        await sleep(50);
      } finally {
        client.disconnect();
      }
    }
    throw new Error(
      `${target.name} (${target.address}) did not answer PING within 10 s: ${String(lastError)}`,
    );
  };

  const signalAndWait = async (name: string, signal: NodeJS.Signals): Promise<void> => {
    const child = processes.get(name);
    if (!child) return;
    child.kill(signal);
    if (!(await waitForExit(child, 5000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
    }
  };

  const query = async <T>(target: ClusterNode, run: (client: Redis) => Promise<T>): Promise<T> => {
    const client = connect(target, false);
    try {
      await client.connect();
      return await run(client);
    } finally {
      client.disconnect();
    }
  };

  const healthProblems = async (): Promise<string[]> => {
    const problems: string[] = [];
    const live = (list: ClusterNode[]) => list.filter((n) => processes.has(n.name));
    const liveRedis = live(redis);
    const liveSentinels = live(sentinels);
    for (const sentinel of liveSentinels) {
      try {
        await query(sentinel, async (client) => {
          const quorum = String(await client.call('SENTINEL', 'CKQUORUM', options.masterName));
          if (!quorum.startsWith('OK')) problems.push(`${sentinel.name}: ${quorum}`);
          const flat = (await client.call('SENTINEL', 'MASTER', options.masterName)) as string[];
          const fields = new Map<string, string>();
          for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), String(flat[i + 1]));
          if (fields.get('flags') !== 'master')
            problems.push(`${sentinel.name}: flags ${fields.get('flags')}`);
          if (Number(fields.get('num-other-sentinels')) !== liveSentinels.length - 1)
            problems.push(`${sentinel.name}: sees ${fields.get('num-other-sentinels')} other sentinels`);
          if (Number(fields.get('num-slaves')) < liveRedis.length - 1)
            problems.push(`${sentinel.name}: sees ${fields.get('num-slaves')} replicas`);
          // A replica Sentinel would not promote (down, link broken) makes SENTINEL FAILOVER answer NOGOODSLAVE.
          const replicas = (await client.call('SENTINEL', 'REPLICAS', options.masterName)) as string[][];
          for (const replica of replicas) {
            const info = new Map<string, string>();
            for (let i = 0; i + 1 < replica.length; i += 2)
              info.set(String(replica[i]), String(replica[i + 1]));
            if (info.get('flags') !== 'slave' || info.get('master-link-status') !== 'ok')
              problems.push(
                `${sentinel.name}: replica ${info.get('name')} ${info.get('flags')} link ${info.get('master-link-status')}`,
              );
          }
        });
      } catch (error) {
        problems.push(`${sentinel.name}: ${String(error)}`);
      }
    }
    for (const target of liveRedis) {
      try {
        const info = await query(target, (client) => client.info('replication'));
        if (info.includes('role:slave') && !info.includes('master_link_status:up'))
          problems.push(`${target.name}: replica link down`);
      } catch (error) {
        problems.push(`${target.name}: ${String(error)}`);
      }
    }
    return problems;
  };

  const claim = await claimSubnet(options.subnet);
  const cluster: TestRedisCluster = {
    dir,
    masterName: options.masterName,
    password: options.password,
    sentinelPassword: options.sentinelPassword || undefined,
    quorum: options.quorum,
    nodes,
    redis,
    sentinels,
    inventory: Object.fromEntries(
      nodes.map((n) => [n.name, { host: n.host, port: n.port, kind: n.kind }]),
    ) as Inventory,
    sentinelAddresses: sentinels.map((s) => s.address).join(','),
    node,
    async client(name) {
      const client = connect(node(name), true);
      clients.push(client);
      await client.connect();
      return client;
    },
    kill: (name) => signalAndWait(name, 'SIGKILL'),
    terminate: (name) => signalAndWait(name, 'SIGTERM'),
    restart: async (name) => {
      await signalAndWait(name, 'SIGTERM');
      await launch(node(name));
    },
    async waitHealthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let problems = await healthProblems();
      while (problems.length > 0) {
        if (Date.now() > deadline) throw new Error(`test cluster not healthy: ${problems.join('; ')}`);
        await sleep(250);
        problems = await healthProblems();
      }
    },
    async currentMaster() {
      for (const sentinel of sentinels.filter((s) => processes.has(s.name))) {
        try {
          const reply = (await query(sentinel, (client) =>
            client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', options.masterName),
          )) as string[];
          return `${reply[0]}:${reply[1]}`;
        } catch {}
      }
      throw new Error('no Sentinel of the test cluster answered GET-MASTER-ADDR-BY-NAME');
    },
    async stop() {
      for (const client of clients.splice(0)) client.disconnect();
      await Promise.all([...processes.keys()].map((name) => signalAndWait(name, 'SIGKILL')));
      await rm(dir, { recursive: true, force: true });
      claim.release();
    },
  };

  try {
    for (const target of redis) await launch(target);
    for (const target of sentinels) await launch(target);
    await cluster.waitHealthy();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

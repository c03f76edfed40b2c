// The process that runs inside the lab's VPC namespace (`drillbook lab _vpc-agent`):
// * DigitalOcean's metadata service on 169.254.169.254:80, answering each droplet about itself (the
//   droplet is known by the private address the request comes from);
// * the relay of the operator's side: the host-side forwarder hands it each connection to a public address
//   over a unix socket, and it connects from the operator-side bridge to the droplet's public side.
import { readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import net from 'node:net';
import { LAB_CONSOLE_ADDRESS, METADATA_ADDRESS, METADATA_PORT } from './netns.js';

export interface AgentPaths {
  /** JSON: private address → the droplet's metadata document (written by the runtime). */
  metadata: string;
  relaySocket: string;
}

/**
 * The first line a forwarder sends on the relay socket: where to connect, and `console` when the lab's own
 * console asks (the agent then connects from LAB_CONSOLE_ADDRESS, which the Cloud Firewall does not judge).
 */
export const relayHeader = (address: string, port: number, console = false): string =>
  `${address} ${port}${console ? ' console' : ''}\n`;

/**
 * Pipes a host-side client through the VPC agent's relay socket to address:port inside the VPC, tracking both
 * sockets in `open` until either side closes (so the owner can destroy what is still open when it stops).
 */
export function relayThroughAgent(
  relaySocket: string,
  client: net.Socket,
  address: string,
  port: number,
  open: Set<net.Socket>,
  options: { console?: boolean } = {},
): void {
  const relay = net.connect(relaySocket);
  relay.write(relayHeader(address, port, options.console === true));
  spliceTracked(client, relay, open);
}

/**
 * Pipes two sockets into each other, tracking both in `open` until either side closes or fails, which ends
 * both: the owner destroys what is still in `open` when it stops (server.close() alone would wait for a
 * client's keep-alive connection as long as the client keeps it).
 */
export function spliceTracked(one: net.Socket, other: net.Socket, open: Set<net.Socket>): void {
  open.add(one).add(other);
  one.pipe(other);
  other.pipe(one);
  const end = () => {
    one.destroy();
    other.destroy();
    open.delete(one);
    open.delete(other);
  };
  for (const socket of [one, other]) {
    socket.on('error', end);
    socket.on('close', end);
  }
}

type Metadata = Record<string, unknown>;

/** Path names of DigitalOcean's metadata tree that differ from its v1.json keys. */
const PATH_ALIASES: Record<string, string> = { address: 'ip_address' };

/** /metadata/v1/<path>: a scalar as text, a list of scalars one a line, an object as its keys (dirs end in /). */
export function metadataAnswer(document: Metadata, urlPath: string): string | undefined {
  if (urlPath === '/metadata/v1.json') return JSON.stringify(document);
  const match = /^\/metadata\/v1\/?(.*)$/.exec(urlPath);
  if (!match) return undefined;
  let node: unknown = document;
  for (const part of (match[1] as string).split('/').filter(Boolean)) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      const key = part.replace(/-/g, '_');
      node = object[key] ?? object[PATH_ALIASES[key] ?? key];
    } else return undefined;
    if (node === undefined) return undefined;
  }
  if (Array.isArray(node)) {
    return node.every((item) => typeof item !== 'object')
      ? node.join('\n')
      : node.map((_, index) => `${index}/`).join('\n');
  }
  if (node && typeof node === 'object') {
    return Object.entries(node)
      .map(([key, value]) => {
        const name = Object.entries(PATH_ALIASES).find(([, json]) => json === key)?.[0] ?? key;
        return `${name.replace(/_/g, '-')}${value && typeof value === 'object' ? '/' : ''}`;
      })
      .join('\n');
  }
  return String(node);
}

export async function runVpcAgent(paths: AgentPaths): Promise<number> {
  const metadata = createHttpServer(async (request, response) => {
    const documents = JSON.parse(await readFile(paths.metadata, 'utf8').catch(() => '{}')) as Record<
      string,
      Metadata
    >;
    const source = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const document = documents[source];
    const answer = document
      ? metadataAnswer(document, (request.url ?? '').split('?')[0] as string)
      : undefined;
    response.writeHead(answer === undefined ? 404 : 200, {
      'content-type': request.url?.endsWith('.json') ? 'application/json' : 'text/plain',
    });
    response.end(answer ?? 'not found\n');
  });
  const relay = net.createServer((client) => {
    let header = '';
    const onData = (chunk: Buffer) => {
      header += chunk.toString('latin1');
      const end = header.indexOf('\n');
      if (end < 0) {
        if (header.length > 100) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      const [address, portText, from] = header.slice(0, end).split(' ');
      const rest = Buffer.from(header.slice(end + 1), 'latin1');
      const upstream = net.connect({
        host: address as string,
        port: Number(portText),
        ...(from === 'console' ? { localAddress: LAB_CONSOLE_ADDRESS } : {}),
      });
      upstream.once('connect', () => {
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    };
    client.on('data', onData);
    client.on('error', () => client.destroy());
  });
  await rm(paths.relaySocket, { force: true });
  await new Promise<void>((resolve, reject) => {
    metadata.once('error', reject);
    metadata.listen(METADATA_PORT, METADATA_ADDRESS, () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(paths.relaySocket, () => resolve());
  });
  process.stdout.write(
    `vpc agent: metadata on ${METADATA_ADDRESS}:${METADATA_PORT}, relay on ${paths.relaySocket}\n`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => resolve());
  });
  metadata.close();
  relay.close();
  await rm(paths.relaySocket, { force: true });
  return 0;
}

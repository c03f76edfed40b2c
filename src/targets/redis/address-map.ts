// How the run's long-lived clients (the probe, its +switch-master subscribers, Sentinel-mode discovery)
// reach Redis and Sentinel addresses: directly, or through the jump host's local forwards. One map per
// client, built from the same ConnectionSettings as every pooled connection, so nothing can bypass the
// tunnel by constructing its own ioredis client with a private address.
import { createServer, type Server } from 'node:net';
import type { ConnectionSettings } from './connection.js';
import { formatAddress, parseHostPort } from './inventory.js';
import type { SshTunnel } from './ssh-tunnel.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface AddressMap {
  /** "ssh://user@bastion:22" when tunnelled; undefined when addresses are reached directly. */
  readonly via: string | undefined;
  /** The endpoint a client connects to for a node's address (opens a forward on first use). */
  endpoint(address: HostPort): Promise<HostPort>;
  /** Opens forwards in advance, for addresses a Sentinel may name later (see natMap). */
  prepare(addresses: Iterable<string>): Promise<void>;
  /**
   * ioredis natMap: Sentinels answer with private addresses and ioredis translates them synchronously, so
   * only forwards that already exist can be named. An address with no forward yet is sent to a local
   * listener that closes every connection (the client retries), while its forward is opened — never to
   * the private address itself. Undefined when direct.
   */
  readonly natMap: ((key: string) => HostPort | null) | undefined;
  /** The node address behind a socket's remote end (a forward's local port → the private address). */
  nodeAddressOf(host: string, port: number): string;
  close(): void;
}

/** Addresses reached as they are (the lab, a laptop inside the VPC, benchmarks). */
export const directAddresses: AddressMap = {
  via: undefined,
  endpoint: async (address) => address,
  prepare: async () => undefined,
  natMap: undefined,
  nodeAddressOf: (host, port) => formatAddress(host, port),
  close: () => undefined,
};

/** A listener on 127.0.0.1 that hangs up at once: where natMap sends an address not forwarded yet. */
function closedDoor(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

function tunnelled(tunnel: SshTunnel, door: { server: Server; port: number }): AddressMap {
  const endpoint = (address: HostPort) => tunnel.forward(address.host, address.port);
  return {
    via: tunnel.label,
    endpoint,
    async prepare(addresses) {
      await Promise.all(
        [...addresses].flatMap((text) => {
          const parsed = parseHostPort(text);
          return parsed ? [endpoint(parsed)] : [];
        }),
      );
    },
    natMap(key) {
      const parsed = parseHostPort(key);
      if (!parsed) return null;
      const forwarded = tunnel.lookup(parsed.host, parsed.port);
      if (forwarded) return forwarded;
      void endpoint(parsed).catch(() => undefined);
      return { host: '127.0.0.1', port: door.port };
    },
    nodeAddressOf(host, port) {
      return (host === '127.0.0.1' && tunnel.remoteOf(port)) || formatAddress(host, port);
    },
    close() {
      door.server.close();
    },
  };
}

/** The address map for a client using these settings: the run's tunnel when `via` is set, else direct. */
export async function addressMap(settings: Pick<ConnectionSettings, 'tunnel'>): Promise<AddressMap> {
  if (!settings.tunnel) return directAddresses;
  const tunnel = await settings.tunnel();
  return tunnelled(tunnel, await closedDoor());
}

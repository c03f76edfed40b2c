// The only way in from the operator's side: each droplet's public address is a loopback address on the
// host (127.200.A.B), and every connection to one of its forwarded ports is handed, through the VPC
// agent's unix socket, to the droplet's public side inside the lab. Nothing here ever opens a socket to a
// non-loopback address.
import net from 'node:net';
import { FORWARDED_PORTS, publicSideAddress } from './netns.js';
import { relayThroughAgent } from './vpc-agent.js';

export class PublicForwarder {
  private readonly servers = new Map<number, net.Server[]>();
  /** Open connections (client and relay sockets) per droplet, so deleting one cuts its connections. */
  private readonly sockets = new Map<number, Set<net.Socket>>();

  constructor(
    private readonly relaySocket: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Listens on every forwarded port of the droplet's public address (once; again after close). */
  async open(dropletId: number, publicIp: string): Promise<void> {
    if (this.servers.has(dropletId)) return;
    const inside = publicSideAddress(publicIp);
    const servers: net.Server[] = [];
    this.servers.set(dropletId, servers);
    for (const port of FORWARDED_PORTS) {
      const server = net.createServer((client) => this.forward(dropletId, client, inside, port));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, publicIp, () => resolve());
        });
        servers.push(server);
      } catch (error) {
        this.log(`public address ${publicIp}:${port} cannot be forwarded: ${(error as Error).message}`);
      }
    }
  }

  private forward(dropletId: number, client: net.Socket, address: string, port: number): void {
    let open = this.sockets.get(dropletId);
    if (!open) {
      open = new Set();
      this.sockets.set(dropletId, open);
    }
    relayThroughAgent(this.relaySocket, client, address, port, open);
  }

  /**
   * Stops listening on the droplet's public address and cuts the connections through it (the droplet is
   * being deleted): a server's close() alone would wait for them, and an SSH session to a jump host stays
   * open until its client gives up — the DELETE would hang that long.
   */
  async close(dropletId: number): Promise<void> {
    const servers = this.servers.get(dropletId) ?? [];
    this.servers.delete(dropletId);
    for (const socket of this.sockets.get(dropletId) ?? []) socket.destroy();
    this.sockets.delete(dropletId);
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      [...new Set([...this.servers.keys(), ...this.sockets.keys()])].map((id) => this.close(id)),
    );
  }
}

// The lab's own console into a container lab's VPC: `lab up` and `lab status` check Redis and Sentinel on
// their private addresses, which the host never routes to. Each check connects to a loopback port of this
// process; the connection is relayed by the VPC agent, from inside the VPC namespace, to the private
// address, from the console's own source address (LAB_CONSOLE_ADDRESS), which the Cloud Firewall lets through
// as DigitalOcean's console is: a health view that a tag-only 6379 rule turned into "unreachable" would lie.
// This is lab plumbing (like a cloud console), not a path runbooks get: they go through the jump host, over
// public addresses, and the firewall judges every packet of theirs.
import net from 'node:net';
import { relayThroughAgent } from './vpc-agent.js';

export interface Endpoint {
  host: string;
  port: number;
}

export class LabConsole {
  private readonly tunnels = new Map<string, Promise<{ server: net.Server; endpoint: Endpoint }>>();
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly relaySocket: string) {}

  /** A loopback endpoint that reaches address:port inside the VPC. */
  async open(address: string, port: number): Promise<Endpoint> {
    const key = `${address}:${port}`;
    let tunnel = this.tunnels.get(key);
    if (!tunnel) {
      tunnel = this.listen(address, port);
      this.tunnels.set(key, tunnel);
    }
    return (await tunnel).endpoint;
  }

  private async listen(address: string, port: number) {
    const server = net.createServer((client) =>
      relayThroughAgent(this.relaySocket, client, address, port, this.sockets, { console: true }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const bound = server.address() as net.AddressInfo;
    return { server, endpoint: { host: '127.0.0.1', port: bound.port } };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const tunnels = await Promise.all(this.tunnels.values());
    this.tunnels.clear();
    await Promise.all(
      tunnels.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

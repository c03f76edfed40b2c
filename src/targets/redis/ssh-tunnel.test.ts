// A jump host whose firewall drops us (a wrong admin_cidr on DigitalOcean) accepts nothing or says nothing:
// the error must say that, and what to check, instead of only ssh2's "Timed out while waiting for handshake".
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openSshTunnel } from './ssh-tunnel.js';

let server: net.Server | undefined;
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A port that takes the connection and never speaks SSH, as a host behind a dropping firewall seems to. */
async function silentPort(): Promise<number> {
  server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('openSshTunnel to a jump host that never answers', () => {
  it('names the jump host, the timeout and admin_cidr as the thing to check', async () => {
    const port = await silentPort();
    const opening = openSshTunnel({
      jump: { host: '127.0.0.1', port, user: 'root' },
      agent: '/nonexistent/agent.sock',
      knownHostsFile: '/nonexistent/known_hosts',
      confirmHostKey: async () => false,
      readyTimeoutMs: 300,
      reach: 'loopback-only',
    });
    await expect(opening).rejects.toThrow(
      new RegExp(`^ssh://root@127\\.0\\.0\\.1:${port}: Timed out .*its firewall lets only admin_cidr in`),
    );
    // The failed attempt lets go of its connection rather than leaving it to the jump host's timeout.
    await expect
      .poll(() => [...sockets].filter((socket) => !socket.destroyed && !socket.readableEnded).length)
      .toBe(0);
  });
});

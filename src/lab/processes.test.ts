// Who holds a port: the listening socket is found in /proc/net/tcp or /proc/net/tcp6, then its owner by its fds.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  assertPortFree,
  blockingListenAddresses,
  listeningSocketInodes,
  PortInUseError,
  portHolder,
} from './processes.js';

// Lines as the kernel prints them (columns after the inode trimmed).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0B000A7F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4101 1
   1: 00000000:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4102 1
   2: 0B000A7F:18EB 0C000A7F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 4103 1
   3: 0C000A7F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4104 1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:18EB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6101 1
   1: 0000000000000000FFFF00000B000A7F:18EB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6102 1
   2: 00000000000000000000000001000000:18EB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6103 1
`;

describe('the listening sockets that keep an address:port from being bound', () => {
  it('are the listeners on that address or on every address, not connections or other addresses', () => {
    const wanted = blockingListenAddresses('127.10.0.11', 6379);
    expect(listeningSocketInodes(TCP, wanted.tcp)).toEqual(['4101', '4102']);
  });

  it('include IPv6 listeners on :: (dual-stack) and on the mapped IPv4 address, not on ::1', () => {
    const wanted = blockingListenAddresses('127.10.0.11', 6379);
    expect(listeningSocketInodes(TCP6, wanted.tcp6)).toEqual(['6101', '6102']);
  });
});

describe('portHolder and assertPortFree', () => {
  let server: net.Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('name the process holding an IPv4 port on a dual-stack IPv6 socket', async () => {
    const listening = net.createServer();
    server = listening;
    await new Promise<void>((resolve) => listening.listen({ host: '::', port: 0 }, resolve));
    const { port } = listening.address() as net.AddressInfo;
    const holder = new RegExp(`^pid ${process.pid} \\(`);
    expect(await portHolder('127.0.0.1', port)).toMatch(holder);
    const refusal = assertPortFree('127.0.0.1', port);
    await expect(refusal).rejects.toBeInstanceOf(PortInUseError);
    await expect(refusal).rejects.toThrow(`in use by pid ${process.pid} (`);
  });
});

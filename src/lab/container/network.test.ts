// Which host routes make `lab up --mode container` refuse a range: the operator's own networks that reach
// into it, never the default route, loopback, or the lab's own unreachable routes.
import { describe, expect, it } from 'vitest';
import { ROUTE_PROTO, routesInto } from './network.js';

const host = [
  { dst: 'default', dev: 'eth0', protocol: 'dhcp' },
  { dst: '192.0.2.0/24', dev: 'eth0', protocol: 'kernel' },
  { dst: '10.10.0.0/16', dev: 'wg0', protocol: 'static' },
  { dst: '127.0.0.0/8', dev: 'lo', protocol: 'kernel' },
  { dst: '10.99.0.0/24', type: 'unreachable', protocol: ROUTE_PROTO },
];

describe('routesInto', () => {
  it('names the host routes that overlap the range, inside or around it', () => {
    expect(routesInto('10.10.0.0/24', host)).toEqual(['10.10.0.0/16 dev wg0']);
    expect(routesInto('10.0.0.0/8', host)).toEqual(['10.10.0.0/16 dev wg0']);
    expect(routesInto('192.0.2.128/25', host)).toEqual(['192.0.2.0/24 dev eth0']);
  });

  it('ignores the default route, loopback and the lab’s own routes', () => {
    expect(routesInto('10.99.0.0/24', host)).toEqual([]);
    expect(routesInto('172.16.0.0/24', host)).toEqual([]);
  });
});

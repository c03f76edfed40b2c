/**
 * IPv4 arithmetic for the lab. In loopback mode everything the emulator hands out lies in 127.0.0.0/8; in
 * private mode (the container lab) private addresses exist only inside the lab's own network namespaces,
 * which have no uplink. The host never sends traffic to a real private or public address.
 */
export interface Cidr {
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, extra] = text.split('/');
  if (extra !== undefined || address === undefined || prefixText === undefined) return undefined;
  if (!/^\d{1,2}$/.test(prefixText)) return undefined;
  const base = parseIpv4(address);
  const prefix = Number(prefixText);
  if (base === undefined || prefix > 32) return undefined;
  return { base, prefix };
}

export const formatCidr = (cidr: Cidr): string => `${formatIpv4(cidr.base)}/${cidr.prefix}`;

export const blockSize = (cidr: Cidr): number => 2 ** (32 - cidr.prefix);

export const netmask = (prefix: number): string =>
  formatIpv4(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

export const isNetworkAddress = (cidr: Cidr): boolean => cidr.base % blockSize(cidr) === 0;

export const isLoopback = (address: number): boolean => address >>> 24 === 127;

/** 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16. */
export const isPrivate = (address: number): boolean => {
  const first = address >>> 24;
  const second = (address >>> 16) & 255;
  return first === 10 || (first === 172 && second >= 16 && second <= 31) || (first === 192 && second === 168);
};

export const cidrIsPrivate = (cidr: Cidr): boolean =>
  cidr.prefix >= 8 && isPrivate(cidr.base) && isPrivate(cidr.base + blockSize(cidr) - 1);

export const cidrIsLoopback = (cidr: Cidr): boolean =>
  cidr.prefix >= 8 && isLoopback(cidr.base) && isLoopback(cidr.base + blockSize(cidr) - 1);

export const contains = (cidr: Cidr, address: number): boolean =>
  address >= cidr.base && address < cidr.base + blockSize(cidr);

export type LoopbackMapping = { ok: true; cidr: Cidr; mapped: boolean } | { ok: false; problem: string };

/**
 * Maps a private range onto loopback keeping the low octets: 10.A.B.C → 127.A.B.C,
 * 172.(16–31).B.C → 127.(16–31).B.C, 192.168.B.C → 127.168.B.C; a loopback range is kept as is.
 */
export function mapToLoopback(cidr: Cidr): LoopbackMapping {
  const first = cidr.base >>> 24;
  const second = (cidr.base >>> 16) & 255;
  const low = cidr.base & 0xffffff;
  const loopback = (127 * 2 ** 24 + low) >>> 0;
  if (first === 127) return { ok: true, cidr, mapped: false };
  if (first === 10 && cidr.prefix >= 8)
    return { ok: true, cidr: { base: loopback, prefix: cidr.prefix }, mapped: true };
  if (first === 172 && second >= 16 && second <= 31 && cidr.prefix >= 12) {
    return { ok: true, cidr: { base: loopback, prefix: cidr.prefix }, mapped: true };
  }
  if (first === 192 && second === 168 && cidr.prefix >= 16) {
    return { ok: true, cidr: { base: loopback, prefix: cidr.prefix }, mapped: true };
  }
  return {
    ok: false,
    problem: `${formatCidr(cidr)} is not a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) or a loopback range; the lab only maps private ranges onto 127.0.0.0/8`,
  };
}

/**
 * The first address ≥ base+10 in the range that is not in use, or base+preferredOffset when that one is free;
 * only addresses `allowed` accepts (loopback unless told otherwise).
 */
export function allocateAddress(
  cidr: Cidr,
  used: ReadonlySet<string>,
  preferredOffset?: number,
  allowed: (address: number) => boolean = isLoopback,
): string | undefined {
  const size = blockSize(cidr);
  const usable = (offset: number): string | undefined => {
    if (offset < 2 || offset >= size - 1) return undefined;
    const address = cidr.base + offset;
    if (!allowed(address)) return undefined;
    const text = formatIpv4(address);
    return used.has(text) ? undefined : text;
  };
  if (preferredOffset !== undefined) {
    const preferred = usable(preferredOffset);
    if (preferred) return preferred;
  }
  for (let offset = 10; offset < size - 1; offset++) {
    const address = usable(offset);
    if (address) return address;
  }
  return undefined;
}

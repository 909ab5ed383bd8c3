import { BlockList, isIP } from 'node:net';

/**
 * The proxies whose X-Forwarded-For is believed: addresses or CIDR ranges, comma-separated
 * (e.g. `127.0.0.1,::1,10.0.0.0/8`). Empty: nobody's, so the connection's address is the client.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(spec: string | undefined) {
    const entries = (spec ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    for (const entry of entries) {
      const [address, prefix] = entry.split('/');
      const family = isIP(address);
      if (family === 0) throw new Error(`trusted proxy "${entry}" is not an IP address or CIDR range`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(prefix), type);
    }
    this.empty = entries.length === 0;
  }

  has(address: string | undefined): boolean {
    if (!address || this.empty) return false;
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    const family = isIP(plain);
    if (family === 0) return false;
    return this.list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }

  /**
   * The client's address: the connection's, unless it comes from a trusted proxy; then the
   * nearest address in X-Forwarded-For that is not itself a trusted proxy (entries to its left
   * were written by whoever called the proxy, and are not believed).
   */
  clientAddress(
    remoteAddress: string | undefined,
    forwardedFor: string | string[] | undefined,
  ): string | undefined {
    if (!this.has(remoteAddress) || !forwardedFor) return remoteAddress;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      if (isIP(hops[i]) === 0) return remoteAddress;
      if (!this.has(hops[i])) return hops[i];
    }
    return hops[0] ?? remoteAddress;
  }
}

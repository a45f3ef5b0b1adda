import ipaddr from 'ipaddr.js';
import { parseAddress } from './addressRanges';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * The configured exceptions of the outbound policy (`itsmSync.outbound.allow`): host names
 * (exact, or `*.example.com` for its subdomains), IP addresses and CIDR ranges.
 */
export class OutboundAllowList {
  private constructor(
    private readonly hosts: ReadonlySet<string>,
    private readonly suffixes: readonly string[],
    private readonly ranges: readonly Cidr[],
  ) {}

  /** Throws an Error naming the first entry that is neither a host name, an address nor a CIDR. */
  static parse(entries: readonly string[]): OutboundAllowList {
    const hosts = new Set<string>();
    const suffixes: string[] = [];
    const ranges: Cidr[] = [];
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (entry.includes('/')) {
        ranges.push(parseCidr(entry));
        continue;
      }
      const address = parseAddress(entry);
      if (address) {
        ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else if (/^\*\.[a-z0-9.-]+$/.test(entry)) {
        suffixes.push(entry.slice(1));
      } else if (
        /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(
          entry,
        )
      ) {
        hosts.add(entry);
      } else {
        throw new Error(
          `itsmSync.outbound.allow: '${raw}' is not a host name, an IP address or a CIDR range`,
        );
      }
    }
    return new OutboundAllowList(hosts, suffixes, ranges);
  }

  static empty(): OutboundAllowList {
    return new OutboundAllowList(new Set(), [], []);
  }

  allowsHost(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    return this.hosts.has(host) || this.suffixes.some(s => host.endsWith(s));
  }

  allowsAddress(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    return this.ranges.some(
      ([base, bits]) =>
        base.kind() === address.kind() && address.match(base, bits),
    );
  }
}

function parseCidr(entry: string): Cidr {
  try {
    const [base, bits] = ipaddr.parseCIDR(entry);
    const unwrapped = parseAddress(base.toString());
    // An IPv4-mapped range (::ffff:10.0.0.0/104) is its IPv4 range.
    if (unwrapped && unwrapped.kind() === 'ipv4' && base.kind() === 'ipv6')
      return [unwrapped, bits - 96];
    return [base, bits];
  } catch {
    throw new Error(
      `itsmSync.outbound.allow: '${entry}' is not a valid CIDR range`,
    );
  }
}

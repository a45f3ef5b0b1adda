import ipaddr from 'ipaddr.js';

/**
 * Cloud instance-metadata endpoints (AWS, GCP, Azure, Oracle, Alibaba, AWS IPv6). Refused
 * even when an allow-list range covers them: no vendor lives there (see docs/DESIGN.md
 * "Outbound policy").
 */
const METADATA_ADDRESSES = [
  '169.254.169.254',
  '169.254.170.2',
  '192.0.0.192',
  '100.100.100.200',
  'fd00:ec2::254',
].map(a => ipaddr.parse(a).toString());

/** A parsed IP address, IPv4-mapped IPv6 unwrapped to the IPv4 it reaches. */
export function parseAddress(
  text: string,
): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare =
    text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // Only the canonical spellings a resolver or the URL parser hands over; never "127.1" or octal.
  if (!ipaddr.IPv4.isValidFourPartDecimal(bare) && !ipaddr.IPv6.isValid(bare))
    return undefined;
  const parsed = ipaddr.parse(bare);
  if (
    parsed.kind() === 'ipv6' &&
    (parsed as ipaddr.IPv6).isIPv4MappedAddress()
  ) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

/** Whether the address is a cloud metadata endpoint. */
export function isMetadataAddress(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return METADATA_ADDRESSES.includes(address.toString());
}

/**
 * Why an address must not be called by default, or undefined for a public unicast address.
 * Loopback, private (RFC 1918), link-local, CGNAT, unique-local, multicast, reserved and
 * every special-purpose range ipaddr.js knows are refused; so are IPv6 forms that embed
 * an IPv4 address (6to4, Teredo, NAT64, IPv4-compatible), since they can reach one.
 * Metadata endpoints are refused before this, allow-list or not (`isMetadataAddress`).
 */
export function refusalReason(
  address: ipaddr.IPv4 | ipaddr.IPv6,
): string | undefined {
  const range = address.range();
  if (range !== 'unicast')
    return `${address.toString()} is in a ${describe(range)} range`;
  if (address.kind() === 'ipv6' && address.match(ipaddr.parseCIDR('::/96'))) {
    return `${address.toString()} is an IPv4-compatible IPv6 address`;
  }
  return undefined;
}

const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'private (RFC 1918)',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  uniqueLocal: 'unique-local (ULA)',
  unspecified: 'unspecified',
};

function describe(range: string): string {
  return RANGE_NAMES[range] ?? `special-purpose (${range})`;
}

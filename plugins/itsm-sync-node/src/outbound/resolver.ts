import { lookup } from 'node:dns/promises';

/** One address a host name resolves to. @public */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to every address it has. Injectable, so tests check the policy
 * against any DNS answer without asking real DNS. @public
 */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, as Node's own connections use). */
export const systemResolver: HostResolver = async hostname => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map(a => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));
};

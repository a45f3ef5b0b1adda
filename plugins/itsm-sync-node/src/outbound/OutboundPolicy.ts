import type { LookupAddress, LookupOptions } from 'node:dns';
import type { Config } from '@backstage/config';
import { Agent } from 'undici';
import {
  parseAddress,
  refusalReason,
  isMetadataAddress,
} from './addressRanges';
import { OutboundAllowList } from './allowList';
import { OutboundRefusedError } from './OutboundRefusedError';
import {
  systemResolver,
  type HostResolver,
  type ResolvedAddress,
} from './resolver';

/** Defaults of the limits every vendor call gets. */
const DEFAULT_DEADLINE_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Options of `OutboundPolicy.create`. @public */
export interface OutboundPolicyOptions {
  /** Host names (`*.example.com` for subdomains), IP addresses or CIDR ranges that may be called although private. */
  allow?: readonly string[];
  /** How host names are resolved; the system resolver by default. */
  resolver?: HostResolver;
  /** Whole request, from connecting to the last body byte; milliseconds. */
  deadlineMs?: number;
  /** Largest vendor response body read, in bytes. */
  maxResponseBytes?: number;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The one policy every vendor call goes through (see docs/DESIGN.md "Outbound policy"):
 * http(s) only, no userinfo, and the host's addresses must be public unless
 * `itsmSync.outbound.allow` names the host or a range holding them. Names are resolved
 * when a connection is opened and the socket connects to exactly the addresses checked
 * (undici's connect `lookup`), so DNS cannot answer differently between check and use.
 * Requests get a total deadline and a response-size cap; redirects are never followed.
 * @public
 */
export class OutboundPolicy {
  /** The undici dispatcher whose connections only reach checked addresses. */
  readonly dispatcher: Agent;
  readonly deadlineMs: number;
  readonly maxResponseBytes: number;

  private constructor(
    private readonly allowList: OutboundAllowList,
    private readonly resolver: HostResolver,
    limits: { deadlineMs: number; maxResponseBytes: number },
  ) {
    this.deadlineMs = limits.deadlineMs;
    this.maxResponseBytes = limits.maxResponseBytes;
    this.dispatcher = new Agent({ connect: { lookup: this.lookup } });
  }

  static create(options: OutboundPolicyOptions = {}): OutboundPolicy {
    return new OutboundPolicy(
      options.allow
        ? OutboundAllowList.parse(options.allow)
        : OutboundAllowList.empty(),
      options.resolver ?? systemResolver,
      {
        deadlineMs: positive(
          options.deadlineMs,
          DEFAULT_DEADLINE_MS,
          'deadlineMs',
        ),
        maxResponseBytes: positive(
          options.maxResponseBytes,
          DEFAULT_MAX_RESPONSE_BYTES,
          'maxResponseBytes',
        ),
      },
    );
  }

  /** From `itsmSync.outbound` (see config.d.ts); the resolver is a test seam. */
  static fromConfig(
    config: Config,
    options: { resolver?: HostResolver } = {},
  ): OutboundPolicy {
    const c = config.getOptionalConfig('itsmSync.outbound');
    return OutboundPolicy.create({
      allow: c?.getOptionalStringArray('allow'),
      deadlineMs: c?.getOptionalNumber('deadlineMs'),
      maxResponseBytes: c?.getOptionalNumber('maxResponseBytes'),
      resolver: options.resolver,
    });
  }

  private static strictPolicy?: OutboundPolicy;

  /** No exceptions: what a vendor call gets when its caller passed no policy. */
  static strict(): OutboundPolicy {
    OutboundPolicy.strictPolicy ??= OutboundPolicy.create();
    return OutboundPolicy.strictPolicy;
  }

  /**
   * Checks what can be checked without DNS: scheme, userinfo and an IP-literal host. A
   * host name is checked when its connection is opened (`lookup`). Throws `OutboundRefusedError`.
   */
  checkUrl(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundRefusedError(
        `only http and https may be called, not ${url.protocol.replace(':', '')}`,
        url.hostname,
      );
    }
    if (url.username || url.password) {
      throw new OutboundRefusedError(
        'URLs with a user name or password are refused; credentials belong in the integration',
        url.hostname,
      );
    }
    const literal = parseAddress(url.hostname);
    if (literal) this.checkAddresses(url.hostname, [literal.toString()]);
  }

  /** Resolves a host name and checks every address; what `lookup` connects to. */
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const literal = parseAddress(hostname);
    if (literal) {
      this.checkAddresses(hostname, [literal.toString()]);
      return [
        {
          address: literal.toString(),
          family: literal.kind() === 'ipv4' ? 4 : 6,
        },
      ];
    }
    const answers = await this.resolver(hostname);
    if (answers.length === 0)
      throw new OutboundRefusedError(`${hostname} has no address`, hostname);
    this.checkAddresses(
      hostname,
      answers.map(a => a.address),
    );
    return answers;
  }

  /**
   * Every address must pass: a name with one private answer among public ones is refused,
   * so a rebinding answer cannot win the connection race.
   */
  private checkAddresses(hostname: string, addresses: string[]): void {
    const hostAllowed = this.allowList.allowsHost(hostname);
    for (const text of addresses) {
      const address = parseAddress(text);
      if (!address)
        throw new OutboundRefusedError(
          `${hostname} resolved to '${text}', which is not an IP address`,
          hostname,
        );
      if (isMetadataAddress(address)) {
        throw new OutboundRefusedError(
          `${hostname} is refused: ${address.toString()} is a cloud metadata endpoint`,
          hostname,
        );
      }
      if (hostAllowed || this.allowList.allowsAddress(address)) continue;
      const reason = refusalReason(address);
      if (reason) {
        throw new OutboundRefusedError(
          `${hostname} is refused: ${reason}; add it to itsmSync.outbound.allow if this vendor really lives there`,
          hostname,
        );
      }
    }
  }

  /** Node's `lookup` signature, for undici's connector: resolve, check, hand over the checked addresses. */
  private readonly lookup = (
    hostname: string,
    options: LookupOptions,
    callback: LookupCallback,
  ): void => {
    this.resolve(hostname).then(
      answers => {
        const wanted =
          options.family === 4 || options.family === 6
            ? answers.filter(a => a.family === options.family)
            : answers;
        if (wanted.length === 0) {
          callback(
            Object.assign(
              new Error(`${hostname} has no IPv${options.family} address`),
              { code: 'ENOTFOUND' },
            ),
            '',
          );
        } else if (options.all) {
          callback(
            null,
            wanted.map(a => ({ address: a.address, family: a.family })),
          );
        } else {
          callback(null, wanted[0].address, wanted[0].family);
        }
      },
      error => callback(error, ''),
    );
  };

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function positive(
  value: number | undefined,
  fallback: number,
  name: string,
): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value))
    throw new Error(
      `itsmSync.outbound.${name} must be a positive number, not ${value}`,
    );
  return value;
}

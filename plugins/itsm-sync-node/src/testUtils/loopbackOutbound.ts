import { OutboundPolicy } from '../outbound/OutboundPolicy';

/**
 * The outbound exceptions every test harness configures, in one place: the simulators
 * and test servers listen on 127.0.0.1 (and ::1). Other loopback addresses (127.0.0.5)
 * stay refused, which is how the security tests prove enforcement without leaving the host.
 * Use as `itsmSync.outbound` in a test backend's config.
 * @public
 */
export const testOutboundConfig = { allow: ['127.0.0.1', '::1'] };

let policy: OutboundPolicy | undefined;

/** The policy of `testOutboundConfig`, for connector contexts built by hand in tests. @public */
export function testOutboundPolicy(): OutboundPolicy {
  policy ??= OutboundPolicy.create({ allow: testOutboundConfig.allow });
  return policy;
}

export { OutboundPolicy, type OutboundPolicyOptions } from './OutboundPolicy';
export { OutboundRefusedError } from './OutboundRefusedError';
export type { HostResolver, ResolvedAddress } from './resolver';

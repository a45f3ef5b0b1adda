/**
 * Stateful local simulators of the vendor APIs, for tests, benchmarks and the demo.
 * Each is faithful to its vendor's public API (paths, headers, status codes, error
 * bodies, pagination, rate-limit headers, webhook signatures).
 */
export * from './shared/SimulatorServer';
export * from './shared/webhooks';
export * from './shared/StateFile';
export * from './servicenow';
export * from './jira';
export * from './pagerduty';

import { ConfigReader } from '@backstage/config';
import { SyncSettings } from './config';

const settings = (itsmSync: object) =>
  SyncSettings.fromConfig(new ConfigReader({ itsmSync }));

describe('SyncSettings.fromConfig', () => {
  it('reads the lease, poll interval and retention as durations', () => {
    const read = settings({
      dispatcher: { lease: '90s', pollInterval: { milliseconds: 250 } },
      retention: { delivered: { days: 2 }, inbox: '36h' },
    });
    expect(read.dispatcher).toEqual({ leaseMs: 90_000, pollIntervalMs: 250 });
    expect(read.deliveredRetentionMs).toBe(2 * 86_400_000);
    expect(read.inboxRetentionMs).toBe(36 * 3_600_000);
  });

  it('still reads the older keys, each in its own unit', () => {
    const read = settings({
      dispatcher: { leaseSeconds: 5, pollIntervalMs: 50 },
      retention: { deliveredDays: 3 },
    });
    expect(read.dispatcher).toEqual({ leaseMs: 5000, pollIntervalMs: 50 });
    expect(read.deliveredRetentionMs).toBe(3 * 86_400_000);
  });

  it('prefers the duration key when an older alias is set too', () => {
    expect(
      settings({ dispatcher: { lease: 'PT2M', leaseSeconds: 5 } }).dispatcher
        .leaseMs,
    ).toBe(120_000);
  });

  it('leaves unset values to the defaults: nothing for the dispatcher, a week of retention, 1 MiB webhooks', () => {
    const read = SyncSettings.fromConfig(new ConfigReader({}));
    expect(read.dispatcher).toEqual({});
    expect(read.deliveredRetentionMs).toBe(7 * 86_400_000);
    expect(read.inboxRetentionMs).toBe(7 * 86_400_000);
    expect(read.maxWebhookBytes).toBe(1024 * 1024);
  });

  it('refuses a retry schedule that is not a list of non-negative seconds', () => {
    expect(() => settings({ retry: { delaysSeconds: [] } })).toThrow(
      /non-empty list/,
    );
    expect(() => settings({ retry: { delaysSeconds: [30, -1] } })).toThrow(
      /non-negative/,
    );
    expect(
      settings({ retry: { delaysSeconds: [1, 2] } }).dispatcher
        .retryDelaysSeconds,
    ).toEqual([1, 2]);
  });

  it("reads an integration's share of the dispatcher and refuses one below 1 or fractional", () => {
    expect(
      settings({ dispatcher: { perIntegrationConcurrency: 3 } }).dispatcher,
    ).toEqual({ perIntegrationConcurrency: 3 });
    for (const bad of [0, -2, 1.5])
      expect(() =>
        settings({ dispatcher: { perIntegrationConcurrency: bad } }),
      ).toThrow(
        /perIntegrationConcurrency must be a whole number of at least 1/,
      );
  });
});

import type { SyncStatusResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { syncStatusView } from './views';

const status = (
  overrides: Partial<SyncStatusResponse> = {},
): SyncStatusResponse => ({
  integration_id: 'a1',
  name: 'prod-pd',
  enabled: true,
  health: 'healthy',
  metrics: {
    outbound_success: 0,
    outbound_failed: 0,
    inbound_success: 0,
    inbound_failed: 0,
    conflicts_detected: 0,
    conflicts_resolved: 0,
    drift_discrepancies: 0,
  },
  outbox_pending: 0,
  dlq_size: 0,
  pending_conflicts: 0,
  links: 0,
  last_outbound_at: null,
  last_inbound_at: null,
  last_error: null,
  rate_limited_until: null,
  ignored_events: [],
  webhooks_refused: [],
  ...overrides,
});

describe('syncStatusView', () => {
  it('lists the webhook events acknowledged without action, with their count and reason', () => {
    const text = syncStatusView(
      status({
        ignored_events: [
          {
            event_type: 'incident.workflow.started',
            reason:
              'incident workflow runs are PagerDuty automation with nothing to sync',
            count: 3,
            first_seen_at: '2026-12-04T10:00:00.000Z',
            last_seen_at: '2026-12-04T11:00:00.000Z',
            last_event_id: '01ABC',
            last_external_id: 'PABC123',
          },
        ],
      }),
    );
    expect(text).toMatch(/ignored event/);
    expect(text).toMatch(/incident\.workflow\.started/);
    expect(text).toMatch(/incident workflow runs are PagerDuty automation/);
    expect(text).toMatch(/│ 3 /);
  });

  it('shows no ignored-event table when there are none, or when an older hub sends no such field', () => {
    expect(syncStatusView(status())).not.toMatch(/ignored event/);
    const older = status() as Partial<SyncStatusResponse>;
    delete older.ignored_events;
    expect(syncStatusView(older as SyncStatusResponse)).not.toMatch(
      /ignored event/,
    );
  });

  it('says which webhooks were refused, how many in the last hour and when the last was', () => {
    const text = syncStatusView(
      status({
        health: 'degraded',
        webhooks_refused: [
          {
            reason: 'signature does not match',
            count_last_hour: 3,
            last_at: '2026-12-05T01:00:00.000Z',
          },
        ],
      }),
    );
    expect(text).toContain(
      'webhooks refused: signature does not match (3 in the last hour, last at 2026-12-05T01:00:00.000Z)',
    );
  });
});

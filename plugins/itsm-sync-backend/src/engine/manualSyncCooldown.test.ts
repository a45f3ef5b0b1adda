import type { IntegrationRecord, LinkRecord } from '../store/types';
import { cooldownSecondsOf, manualSyncCooldownEnd } from './manualSyncCooldown';
import { planOutbound } from './outboundPlan';

const integration = (settings: Record<string, unknown> = {}) =>
  ({
    id: 'int-1',
    integration_type: 'itsm-webhook',
    enabled: true,
    sync_direction: 'bidirectional',
    settings,
  }) as IntegrationRecord;
const link = (lastManualSyncAt: number | null) =>
  ({
    id: 'link-1',
    incident_id: 'inc-1',
    integration_id: 'int-1',
    external_id: 'T-1',
    last_manual_sync_at: lastManualSyncAt,
  }) as LinkRecord;
const connectors = { canSend: () => true, mapperFor: () => undefined };

describe('manual sync cooldown', () => {
  it('is ten minutes unless the integration says otherwise', () => {
    expect(cooldownSecondsOf(integration())).toBe(600);
    expect(
      cooldownSecondsOf(integration({ manual_sync_cooldown_seconds: 30 })),
    ).toBe(30);
    expect(
      cooldownSecondsOf(integration({ manual_sync_cooldown_seconds: '45' })),
    ).toBe(45);
    expect(
      cooldownSecondsOf(integration({ manual_sync_cooldown_seconds: -1 })),
    ).toBe(600);
  });

  it('ends a cooldown after the last manual sync, and there is none without one', () => {
    expect(
      manualSyncCooldownEnd(
        link(1_000),
        integration({ manual_sync_cooldown_seconds: 2 }),
      ),
    ).toBe(3_000);
    expect(manualSyncCooldownEnd(link(null), integration())).toBeUndefined();
  });

  it('holds an automatic update of a ticket until its cooldown ends', () => {
    const plan = (lastManualSyncAt: number | null) =>
      planOutbound({
        incidentId: 'inc-1',
        changes: { title: 'new' },
        source: 'platform',
        links: [
          {
            link: link(lastManualSyncAt),
            integration: integration(),
            rules: [],
          },
        ],
        connectors,
      });
    expect(plan(5_000)[0].not_before).toBe(605_000);
    expect(plan(null)[0].not_before).toBeUndefined();
  });
});

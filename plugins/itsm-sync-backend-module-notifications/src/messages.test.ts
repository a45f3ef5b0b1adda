import type {
  ItsmDeadLetteredEvent,
  ItsmIntegrationHealthEvent,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { conflictNotice, deadLetterNotice, healthNotice } from './messages';

const integration = {
  id: 'i-1',
  name: 'prod-snow',
  type: 'servicenow',
  notifications: { owner: 'group:default/ops' },
};
const incident = (title: string) => ({
  id: `inc-${title}`,
  title,
  entityRef: 'component:default/checkout',
});

describe('notification payloads', () => {
  it('scopes a conflict notice to the conflict and links to the conflicts page', () => {
    expect(
      conflictNotice({
        conflictId: 'c-1',
        field: 'status',
        integration,
        incident: incident('Checkout down'),
      }),
    ).toEqual({
      title: "Conflict on 'Checkout down' waits for your review",
      description:
        'prod-snow and the platform both changed status; choose the value to keep.',
      link: '/itsm-sync/conflicts',
      severity: 'high',
      topic: 'itsm-sync',
      scope: 'itsm-sync:conflict:c-1',
    });
  });

  it('scopes dead letters to the episode and raises refused credentials to critical', () => {
    const entry = (status: number, title: string) => ({
      id: `d-${title}`,
      operation: 'sync',
      lastError: `HTTP ${status}: ${'x'.repeat(300)}`,
      lastStatus: status,
      incident: incident(title),
    });
    const event: ItsmDeadLetteredEvent = {
      integration,
      episodeId: 'i-1:1000',
      dlqSize: 5,
      entries: [entry(400, 'A'), entry(401, 'B')],
    };
    const notice = deadLetterNotice(event, event.entries);
    expect(notice).toMatchObject({
      severity: 'critical',
      scope: 'itsm-sync:dlq:i-1:1000',
      link: '/itsm-sync/dlq',
    });
    expect(notice.title).toContain("refuses the hub's credentials");
    expect(notice.description).toMatch(/^5 change\(s\) wait in the DLQ/);
    // Vendor errors are cut to an excerpt.
    expect(notice.description!.length).toBeLessThan(320);
    expect(deadLetterNotice(event, [event.entries[0]]).severity).toBe('high');
  });

  it('closes an unhealthy episode by reusing its scope at normal severity', () => {
    const base: ItsmIntegrationHealthEvent = {
      integration,
      episodeId: 'i-1:2000',
      state: 'unhealthy',
      health: 'failing',
      lastError: 'HTTP 503',
    };
    const failing = healthNotice(base);
    const recovered = healthNotice({
      ...base,
      state: 'recovered',
      health: 'healthy',
    });
    expect(failing).toMatchObject({
      severity: 'critical',
      title: 'prod-snow is failing',
      link: '/itsm-sync/connectors',
    });
    expect(recovered).toMatchObject({
      severity: 'normal',
      title: 'prod-snow has recovered',
    });
    expect(recovered.scope).toBe(failing.scope);
  });

  it("says the vendor's webhooks are refused when that is what made the integration unhealthy", () => {
    const notice = healthNotice({
      integration,
      episodeId: 'i-1:3000',
      state: 'unhealthy',
      health: 'degraded',
      lastError:
        'webhooks refused: signature does not match (3 in the last hour)',
    });
    expect(notice).toMatchObject({
      severity: 'critical',
      title: 'prod-snow refuses its webhooks',
      description:
        'Inbound sync from prod-snow has stopped: webhooks refused: signature does not match (3 in the last hour).',
    });
  });
});

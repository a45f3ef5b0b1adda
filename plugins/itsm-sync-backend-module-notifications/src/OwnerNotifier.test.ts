import type { JsonObject } from '@backstage/types';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type {
  ItsmConflictAwaitingReviewEvent,
  ItsmSyncEventIntegration,
} from '@itsm-sync-hub/plugin-itsm-sync-node';
import { OwnerNotifier } from './OwnerNotifier';

/** Notifications the notifier sent, by recipient. */
class RecordingNotifications implements NotificationService {
  sent: NotificationSendOptions[] = [];
  async send(options: NotificationSendOptions) {
    this.sent.push(options);
  }
  recipients() {
    return this.sent.map(s =>
      s.recipients.type === 'entity' ? s.recipients.entityRef : 'broadcast',
    );
  }
}

const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'checkout', namespace: 'default' },
      spec: { owner: 'payments' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'orphan', namespace: 'default' },
      spec: {},
    },
  ],
});

function notifierWith(config: JsonObject = {}) {
  const notifications = new RecordingNotifications();
  const notifier = OwnerNotifier.fromConfig(new ConfigReader(config), {
    notifications,
    catalog,
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
  });
  return { notifications, notifier };
}

const integration = (
  notifications: ItsmSyncEventIntegration['notifications'] = {},
): ItsmSyncEventIntegration => ({
  id: 'i-1',
  name: 'prod-snow',
  type: 'servicenow',
  notifications,
});

const conflictOn = (
  entityRef: string | null,
  on = integration(),
): ItsmConflictAwaitingReviewEvent => ({
  conflictId: 'c-1',
  field: 'status',
  integration: on,
  incident: { id: 'inc-1', title: 'Checkout down', entityRef },
});

describe('OwnerNotifier', () => {
  it("sends to the entity's owner, read from spec.owner as a group", async () => {
    const { notifier, notifications } = notifierWith();
    await notifier.conflictAwaitingReview(
      conflictOn('component:default/checkout'),
    );
    expect(notifications.recipients()).toEqual([['group:default/payments']]);
  });

  it("falls back to the integration's owner when the entity has none", async () => {
    const { notifier, notifications } = notifierWith();
    const on = integration({ owner: 'group:default/ops' });
    await notifier.conflictAwaitingReview(
      conflictOn('component:default/orphan', on),
    );
    await notifier.conflictAwaitingReview(conflictOn(null, on));
    await notifier.conflictAwaitingReview(conflictOn(null));
    expect(notifications.recipients()).toEqual([
      ['group:default/ops'],
      ['group:default/ops'],
    ]);
  });

  it('lets an integration turn a kind off, and on against the global default', async () => {
    const off = notifierWith();
    await off.notifier.conflictAwaitingReview(
      conflictOn(
        'component:default/checkout',
        integration({ conflicts: false }),
      ),
    );
    expect(off.notifications.sent).toEqual([]);

    const globallyOff = notifierWith({
      itsmSync: { notifications: { conflicts: false } },
    });
    await globallyOff.notifier.conflictAwaitingReview(
      conflictOn('component:default/checkout'),
    );
    await globallyOff.notifier.conflictAwaitingReview(
      conflictOn(
        'component:default/checkout',
        integration({ conflicts: true }),
      ),
    );
    expect(globallyOff.notifications.sent).toHaveLength(1);
  });

  it('sends nothing at all when notifications are disabled', async () => {
    const { notifier, notifications } = notifierWith({
      itsmSync: { notifications: { enabled: false } },
    });
    await notifier.conflictAwaitingReview(
      conflictOn(
        'component:default/checkout',
        integration({ conflicts: true }),
      ),
    );
    expect(notifications.sent).toEqual([]);
  });

  it("groups dead letters by owner and tells health only to the integration's owner", async () => {
    const { notifier, notifications } = notifierWith();
    const entry = (entityRef: string) => ({
      id: `d-${entityRef}`,
      operation: 'sync',
      lastError: 'HTTP 400',
      lastStatus: 400,
      incident: { id: 'inc', title: entityRef, entityRef },
    });
    await notifier.deadLettered({
      integration: integration({ owner: 'group:default/ops' }),
      episodeId: 'i-1:1',
      dlqSize: 3,
      entries: [
        entry('component:default/checkout'),
        entry('component:default/checkout'),
        entry('component:default/orphan'),
      ],
    });
    expect(notifications.recipients()).toEqual([
      ['group:default/payments'],
      ['group:default/ops'],
    ]);

    const health = {
      episodeId: 'i-1:2',
      state: 'unhealthy' as const,
      health: 'failing',
      lastError: null,
    };
    await notifier.integrationHealthChanged({
      ...health,
      integration: integration(),
    });
    expect(notifications.sent).toHaveLength(2);
    await notifier.integrationHealthChanged({
      ...health,
      integration: integration({ owner: 'group:default/ops' }),
    });
    expect(notifications.recipients()[2]).toEqual(['group:default/ops']);
  });
});

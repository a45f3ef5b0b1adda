import {
  coreServices,
  createServiceFactory,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  eventually,
  startSyncTestBackend,
  TEST_WEBHOOK_SECRET,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';
const MALLORY = 'user:default/mallory';

/** A policy that lets everyone but mallory read and resolve. */
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => {
    const decide = (credentials: any) => ({
      result:
        credentials?.principal?.userEntityRef === MALLORY
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    return {
      authorize: async (requests, options) =>
        requests.map(() => decide(options?.credentials)) as any,
      authorizeConditional: async (requests, options) =>
        requests.map(() => decide(options?.credentials)) as any,
    };
  },
});

const ACTIONS = '/api/itsm-sync/.backstage/actions/v1/actions';

describe('itsm-sync actions in the actions registry', () => {
  let hub: SyncTestBackend;
  let integration: { id: string; name: string };
  let incidentId: string;
  let conflictId: string;

  beforeAll(async () => {
    // The registry as the backend runs it (the test backend's default is a mock).
    hub = await startSyncTestBackend({
      features: [permissions, actionsRegistryServiceFactory],
    });
    integration = await hub.createIntegration({
      name: 'payments-snow',
      conflict_strategy: 'manual-review',
    });
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Checkout errors',
      severity: 'SEV-2',
      entity_ref: 'component:default/checkout',
      integrations: [integration.name],
    });
    incidentId = created.body.id;
    const ticketId = await eventually(
      async () =>
        (await hub.api.get(`${hub.base}/v1/incidents/${incidentId}`)).body
          .links[0]?.external_id,
      5000,
      'the ticket',
    );
    await hub.api
      .post(`${hub.base}/v1/incidents/${incidentId}/notes`)
      .send({ text: 'Rolled back the release' });
    await hub.api
      .patch(`${hub.base}/v1/incidents/${incidentId}`)
      .send({ status: 'mitigated' });
    await hub.deliverWebhook(
      integration.id,
      hub.vendor.vendorEdit(
        ticketId,
        { status: 'resolved' },
        TEST_WEBHOOK_SECRET,
      ),
    );
    [{ id: conflictId }] = (
      await hub.api.get(
        `${hub.base}/v1/conflicts?status=pending&incident=${incidentId}`,
      )
    ).body.items;
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const as = (user: string) => ({
    list: () =>
      hub.api
        .get(ACTIONS)
        .set('authorization', mockCredentials.user.header(user)),
    invoke: (name: string, input: object) =>
      hub.api
        .post(`${ACTIONS}/itsm-sync:${name}/invoke`)
        .set('authorization', mockCredentials.user.header(user))
        .send(input),
  });

  it('lists its actions, with schemas and read-only marks, to a user who may read', async () => {
    const res = await as(ALICE).list();
    expect(res.status).toBe(200);
    const actions = res.body.actions as Array<{
      id: string;
      attributes: { readOnly: boolean };
      schema: { input: any };
    }>;
    expect(actions.map(a => a.id).sort()).toEqual([
      'itsm-sync:get-incident-timeline',
      'itsm-sync:get-sync-status',
      'itsm-sync:list-entity-incidents',
      'itsm-sync:list-pending-conflicts',
      'itsm-sync:resolve-conflict',
    ]);
    expect(
      actions.find(a => a.id === 'itsm-sync:resolve-conflict')!.attributes
        .readOnly,
    ).toBe(false);
    expect(
      actions.find(a => a.id === 'itsm-sync:list-entity-incidents')!.attributes
        .readOnly,
    ).toBe(true);
    expect(
      actions.find(a => a.id === 'itsm-sync:list-entity-incidents')!.schema
        .input.required,
    ).toEqual(['entityRef']);
  });

  it('answers the read actions with what the REST API holds', async () => {
    const incidents = await as(ALICE).invoke('list-entity-incidents', {
      entityRef: 'component:default/checkout',
    });
    expect(incidents.status).toBe(200);
    expect(incidents.body.output.incidents).toEqual([
      expect.objectContaining({
        id: incidentId,
        title: 'Checkout errors',
        status: 'mitigated',
        tickets: [
          expect.objectContaining({
            integration: 'payments-snow',
            ticket: expect.any(String),
          }),
        ],
      }),
    ]);

    const conflicts = await as(ALICE).invoke('list-pending-conflicts', {
      integration: 'payments-snow',
    });
    expect(conflicts.body.output.conflicts).toEqual([
      expect.objectContaining({
        id: conflictId,
        incidentId,
        field: 'status',
        platformValue: 'mitigated',
        externalValue: 'resolved',
      }),
    ]);

    const status = await as(ALICE).invoke('get-sync-status', {
      integration: 'payments-snow',
    });
    expect(status.body.output).toMatchObject({
      name: 'payments-snow',
      pendingConflicts: 1,
    });

    const timeline = await as(ALICE).invoke('get-incident-timeline', {
      incidentId,
    });
    expect(timeline.body.output.entries).toContainEqual(
      expect.objectContaining({
        at: expect.any(String),
        text: 'Rolled back the release',
      }),
    );
  });

  it('refuses bad input naming the action, and an unknown incident with 404', async () => {
    const bad = await as(ALICE).invoke('list-entity-incidents', {});
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /^Invalid input to action "itsm-sync:list-entity-incidents".*"entityRef"/s,
    );
    const unknown = await as(ALICE).invoke('get-incident-timeline', {
      incidentId: 'no-such-incident',
    });
    expect(unknown.status).toBe(404);
  });

  it('hides every action from a user without permission, who can neither read nor resolve', async () => {
    const listed = await as(MALLORY).list();
    expect(listed.status).toBe(200);
    expect(listed.body.actions).toEqual([]);
    const read = await as(MALLORY).invoke('list-entity-incidents', {
      entityRef: 'component:default/checkout',
    });
    expect(read.status).toBe(404);
    const resolve = await as(MALLORY).invoke('resolve-conflict', {
      conflictId,
      resolution: 'use-external',
    });
    expect(resolve.status).toBe(404);
    expect(
      (await hub.api.get(`${hub.base}/v1/conflicts/${conflictId}`)).body.status,
    ).toBe('pending');
  });

  it('resolves a conflict as the calling user, who is recorded as resolving it', async () => {
    const res = await as(ALICE).invoke('resolve-conflict', {
      conflictId,
      resolution: 'use-external',
    });
    expect(res.status).toBe(200);
    expect(res.body.output).toEqual({
      id: conflictId,
      status: 'resolved',
      resolution: 'use-external',
      resolvedBy: ALICE,
    });
    const stored = (await hub.api.get(`${hub.base}/v1/conflicts/${conflictId}`))
      .body;
    expect(stored).toMatchObject({ status: 'resolved', resolved_by: ALICE });
    await eventually(
      async () =>
        (await hub.api.get(`${hub.base}/v1/incidents/${incidentId}`)).body
          .status === 'resolved',
      5000,
      'the external value applied',
    );
  });
});

import { mockServices } from '@backstage/backend-test-utils';
import { ConnectorError } from '../errors';
import { parsedWebhook } from '../webhookEvents';
import type {
  ConnectorContext,
  ItsmConnector,
  PlatformIncident,
  PlatformIncidentFields,
} from '../types';
import type { ConformanceHarness } from './harness';
import { testOutboundPolicy } from './loopbackOutbound';

let sequence = 0;
function sampleIncident(
  overrides: Partial<PlatformIncident> = {},
): PlatformIncident {
  sequence += 1;
  return {
    id: `conformance-${Date.now()}-${sequence}`,
    title: `Checkout latency ${sequence} "quoted" & <tagged>`,
    description: 'p99 above 2 s\nsince 10:02 UTC',
    severity: 'SEV-2',
    status: 'open',
    assigned_to: null,
    escalation_policy: null,
    entity_ref: 'component:default/checkout',
    ...overrides,
  };
}

/**
 * Registers the connector conformance suite (jest) for one connector. Call it at the top
 * level of a test file:
 *
 * ```ts
 * runConnectorConformanceTests({ connector, harness: () => startMyHarness() });
 * ```
 * @public
 */
// The suite is registered by the connector packages' own tests, so exporting it is its purpose.
// eslint-disable-next-line jest/no-export
export function runConnectorConformanceTests(options: {
  connector: ItsmConnector;
  harness: () => Promise<ConformanceHarness>;
}) {
  const { connector } = options;
  let harness: ConformanceHarness;
  let ctx: ConnectorContext;
  const roundTripStatus = (s: PlatformIncidentFields['status']) =>
    harness.statusAfterRoundTrip?.(s) ?? s;
  const roundTripSeverity = (s: PlatformIncidentFields['severity']) =>
    harness.severityAfterRoundTrip?.(s) ?? s;

  describe(`connector conformance: ${connector.type}`, () => {
    beforeAll(async () => {
      harness = await options.harness();
      ctx = {
        integration: harness.integration,
        logger: mockServices.logger.mock(),
        outbound: testOutboundPolicy(),
      };
    });
    afterAll(async () => {
      await harness?.close();
    });

    it('declares itself completely', () => {
      expect(connector.type).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(connector.displayName.length).toBeGreaterThan(0);
      expect(connector.fields.length).toBeGreaterThan(0);
      for (const rule of connector.defaultFieldOwnership) {
        expect(connector.fields).toContain(rule.field);
        expect(['platform', 'external']).toContain(rule.owner);
      }
      expect(connector.mappings.status.length).toBeGreaterThan(0);
    });

    it('passes its connectivity test with good credentials and fails with bad ones', async () => {
      await expect(connector.testConnection(ctx)).resolves.toMatchObject({
        ok: true,
      });
      const bad = await connector
        .testConnection({
          ...ctx,
          integration: harness.badCredentialsIntegration,
        })
        .catch(e => ({ ok: false, message: String(e) }));
      expect(bad.ok).toBe(false);
    });

    it('creates a ticket that reads back with the same fields', async () => {
      const incident = sampleIncident({ severity: 'SEV-1' });
      const created = await connector.createTicket(ctx, {
        incident,
        dedupKey: `dedup-${incident.id}`,
      });
      expect(created.externalId).toBeTruthy();
      const fetched = await connector.fetchTicket(ctx, created.externalId);
      expect(fetched?.externalId).toBe(created.externalId);
      expect(fetched?.fields.title).toBe(incident.title);
      expect(fetched?.fields.severity).toBe(roundTripSeverity('SEV-1'));
      expect(fetched?.fields.status).toBe(roundTripStatus('open'));
      expect(Date.parse(fetched!.updatedAt)).not.toBeNaN();
    });

    it('finds a ticket by its dedup key, so a retried create never makes a second one', async () => {
      const incident = sampleIncident();
      const dedupKey = `dedup-${incident.id}`;
      const created = await connector.createTicket(ctx, { incident, dedupKey });
      const found = await connector.findTicketByDedupKey(ctx, dedupKey);
      expect(found?.externalId).toBe(created.externalId);
      await expect(
        connector.findTicketByDedupKey(
          ctx,
          `dedup-never-created-${Date.now()}`,
        ),
      ).resolves.toBeUndefined();
    });

    it('moves a ticket through every platform status and severity', async () => {
      const incident = sampleIncident();
      const created = await connector.createTicket(ctx, {
        incident,
        dedupKey: `dedup-${incident.id}`,
      });
      for (const status of [
        'mitigated',
        'resolved',
        'closed',
        'open',
      ] as const) {
        await connector.updateTicket(ctx, {
          externalId: created.externalId,
          changes: { status },
          incident: { ...incident, status },
        });
        const fetched = await connector.fetchTicket(ctx, created.externalId);
        expect({ status, got: fetched?.fields.status }).toEqual({
          status,
          got: roundTripStatus(status),
        });
      }
      for (const severity of ['SEV-4', 'SEV-3', 'SEV-2', 'SEV-1'] as const) {
        await connector.updateTicket(ctx, {
          externalId: created.externalId,
          changes: { severity },
          incident: { ...incident, severity },
        });
        const fetched = await connector.fetchTicket(ctx, created.externalId);
        expect({ severity, got: fetched?.fields.severity }).toEqual({
          severity,
          got: roundTripSeverity(severity),
        });
      }
      const title = `${incident.title} (updated)`;
      await connector.updateTicket(ctx, {
        externalId: created.externalId,
        changes: { title },
        incident: { ...incident, title },
      });
      expect(
        (await connector.fetchTicket(ctx, created.externalId))?.fields.title,
      ).toBe(title);
    });

    it('adds notes that the vendor keeps', async () => {
      const incident = sampleIncident();
      const created = await connector.createTicket(ctx, {
        incident,
        dedupKey: `dedup-${incident.id}`,
      });
      await connector.addNote(ctx, created.externalId, {
        text: 'Rolled back 4.2.1 "now"',
      });
      const notes = await harness.vendorNotes(created.externalId);
      expect(notes.some(n => n.includes('Rolled back 4.2.1 "now"'))).toBe(true);
    });

    it('answers undefined for a ticket that does not exist', async () => {
      const missing = await connector.fetchTicket(
        ctx,
        'doesnotexist0000000000000000000',
      );
      expect(missing).toBeUndefined();
    });

    const listChangedSince = connector.listChangedSince?.bind(connector);
    // Only a connector that lists is held to listing; the others are reconciled by fetching.
    if (listChangedSince) {
      it('lists changed tickets across several pages without gaps or repeats', async () => {
        const since = new Date(Date.now() - 2000);
        const ids = new Set<string>();
        for (let i = 0; i < harness.pageSize + 2; i++) {
          const incident = sampleIncident();
          const t = await connector.createTicket(ctx, {
            incident,
            dedupKey: `dedup-${incident.id}`,
          });
          ids.add(t.externalId);
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await listChangedSince(ctx, since, cursor);
          seen.push(...page.tickets.map(t => t.externalId));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor && pages < 1000);
        expect(pages).toBeGreaterThan(1);
        expect(new Set(seen).size).toBe(seen.length);
        for (const id of ids) expect(seen).toContain(id);
      });
    }

    it('accepts a webhook the vendor signed and parses the change', async () => {
      const incident = sampleIncident();
      const created = await connector.createTicket(ctx, {
        incident,
        dedupKey: `dedup-${incident.id}`,
      });
      const webhook = await harness.vendorEdit(created.externalId, {
        status: 'mitigated',
      });
      await expect(connector.verifyWebhook(ctx, webhook)).resolves.toEqual({
        ok: true,
      });
      const { changes } = parsedWebhook(
        await connector.parseWebhook(ctx, webhook),
      );
      const change = changes.find(c => c.externalId === created.externalId);
      expect(change).toBeDefined();
      expect(change!.eventId.length).toBeGreaterThan(0);
      expect(change!.fields.status).toBe(roundTripStatus('mitigated'));
      expect(Date.parse(change!.occurredAt)).not.toBeNaN();
    });

    it('refuses a tampered, unsigned or wrongly signed webhook', async () => {
      const incident = sampleIncident();
      const created = await connector.createTicket(ctx, {
        incident,
        dedupKey: `dedup-${incident.id}`,
      });
      const webhook = await harness.vendorEdit(created.externalId, {
        status: 'resolved',
      });
      const tampered = Buffer.from(
        webhook.rawBody.toString('utf8').replace(/resolved|6|Resolved/, 'open'),
      );
      const flipped = Buffer.from(webhook.rawBody);
      flipped[Math.floor(flipped.length / 2)] ^= 1;
      for (const rawBody of [tampered, flipped]) {
        if (rawBody.equals(webhook.rawBody)) continue;
        await expect(
          connector.verifyWebhook(ctx, { ...webhook, rawBody }),
        ).resolves.toMatchObject({ ok: false });
      }
      const unsignedHeaders = Object.fromEntries(
        Object.entries(webhook.headers).filter(
          ([k]) => !/signature|authorization|token|hub/i.test(k),
        ),
      );
      await expect(
        connector.verifyWebhook(ctx, { ...webhook, headers: unsignedHeaders }),
      ).resolves.toMatchObject({ ok: false });
      const otherSecret = {
        ...ctx,
        integration: {
          ...ctx.integration,
          webhookSecrets: ['an-entirely-different-secret'],
        },
      };
      await expect(
        connector.verifyWebhook(otherSecret, webhook),
      ).resolves.toMatchObject({ ok: false });
    });

    it('reports vendor failures in the terms the retry engine needs', async () => {
      const incident = sampleIncident();
      const attempt = () =>
        connector.createTicket(ctx, {
          incident,
          dedupKey: `dedup-${incident.id}`,
        });
      await harness.failNext(500);
      await expect(attempt()).rejects.toMatchObject({
        kind: 'retryable',
        status: 500,
      });
      await harness.failNext(400);
      await expect(attempt()).rejects.toMatchObject({
        kind: 'permanent',
        status: 400,
      });
      await harness.failNext(429, { 'retry-after': '7' });
      const error = await attempt().catch(e => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error.kind).toBe('rate_limited');
      expect(error.notBefore.getTime()).toBeGreaterThan(Date.now() + 5000);
    });
  });
}

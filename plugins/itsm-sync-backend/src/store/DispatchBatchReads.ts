import type { Knex } from 'knex';
import { INCIDENT_COLUMNS, toIncidentRecord } from './IncidentRepository';
import { IntegrationRepository } from './IntegrationRepository';
import { toLinkRecord } from './LinkRepository';
import { toOutboxRecord } from './OutboxRepository';
import type {
  IncidentRecord,
  IntegrationRecord,
  LinkRecord,
  OutboxRecord,
} from './types';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { unprefixed, type IncidentRow } from './tableRows';

/** Everything the deliveries of one claim need, read with a constant number of queries. */
export interface DispatchBatch {
  integrations: Map<string, IntegrationRecord>;
  rules: Map<string, FieldOwnershipRule[]>;
  /** Queued rows behind each claimed head (by head id), oldest first, at most the coalesce limit. */
  followers: Map<number, OutboxRecord[]>;
  incidents: Map<string, IncidentRecord>;
  /** By `${incident_id}|${integration_id}`. */
  links: Map<string, LinkRecord>;
}

/** The key of an incident's link to one integration (a ticket's is its integration and external id). */
export const linkKey = (incidentId: string, integrationId: string) =>
  `${incidentId}|${integrationId}`;

/** The integrations of a claim and their rules, by integration id (from the snapshots, mostly). */
export async function integrationsWithRules(db: Knex, ids: string[]) {
  const integrations = new Map<string, IntegrationRecord>();
  const rules = new Map<string, FieldOwnershipRule[]>();
  await IntegrationRepository.readWithRulesInto(db, ids, integrations, rules);
  return { integrations, rules };
}

/**
 * Reads what a claimed batch of outbox heads needs for delivery: their integrations
 * and rules, the rows queued behind each head, and the links with their incidents.
 * Three queries for the whole claim instead of six for every row. (On Postgres the
 * claim statement reads all of it: see claimDispatchBatch.ts.)
 */
export async function readDispatchBatch(
  db: Knex,
  heads: OutboxRecord[],
  coalesceLimit: number,
): Promise<DispatchBatch> {
  const integrationIds = [...new Set(heads.map(h => h.integration_id))];
  const incidentIds = [...new Set(heads.map(h => h.incident_id))];
  const headsByTicket = new Map(
    heads.map(h => [linkKey(h.incident_id, h.integration_id), h]),
  );
  // The integrations and the queued rows are read side by side. The incidents come after
  // the queued rows on purpose: every row coalesced into a delivery was then committed
  // before the values it sends were read, so no change is marked delivered unsent.
  const [{ integrations, rules }, queued] = await Promise.all([
    integrationsWithRules(db, integrationIds),
    db('outbox')
      .whereIn('incident_id', incidentIds)
      .whereIn('integration_id', integrationIds)
      .andWhere('state', 'pending')
      .andWhere('id', '>', Math.min(...heads.map(h => h.id)))
      .orderBy('id'),
  ]);
  const followers = new Map<number, OutboxRecord[]>(heads.map(h => [h.id, []]));
  for (const row of queued) {
    const head = headsByTicket.get(
      linkKey(row.incident_id, row.integration_id),
    );
    const list = head && followers.get(head.id);
    if (!list || Number(row.id) <= head.id || list.length >= coalesceLimit)
      continue;
    list.push(toOutboxRecord(row));
  }

  // Links with their incidents in one join; a row without a link has nothing to deliver to.
  const incidents = new Map<string, IncidentRecord>();
  const links = new Map<string, LinkRecord>();
  const rows = await db('links as l')
    .join('incidents as i', 'i.id', 'l.incident_id')
    .whereIn('l.incident_id', incidentIds)
    .whereIn('l.integration_id', integrationIds)
    .select('l.*', ...INCIDENT_COLUMNS.map(c => `i.${c} as incident__${c}`));
  for (const row of rows) {
    const link = toLinkRecord(row);
    links.set(linkKey(link.incident_id, link.integration_id), link);
    incidents.set(
      link.incident_id,
      toIncidentRecord(
        unprefixed<IncidentRow>(row, 'incident__', INCIDENT_COLUMNS),
      ),
    );
  }
  return { integrations, rules, followers, incidents, links };
}

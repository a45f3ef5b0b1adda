import {
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { DatabaseSyncStore, type SyncStore } from '../SyncStore';
import type { IncidentRecord, IntegrationRecord } from '../types';
import type { IncidentValues } from '../IncidentRepository';

/**
 * The databases every store test runs on. Postgres 15 comes from
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (or Docker).
 */
export function createStoreTestDatabases(): TestDatabases {
  return TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
}

/** Postgres ids only, for behaviour that only Postgres has (row locks, SKIP LOCKED). */
export function postgresIds(databases: TestDatabases): Array<[TestDatabaseId]> {
  return databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));
}

const knexOfStore = new WeakMap<SyncStore, Knex>();

/** A store over a test database, made as the plugin makes it (migrations included). */
export async function storeOver(knex: Knex): Promise<SyncStore> {
  const store = await DatabaseSyncStore.create({
    database: mockServices.database({ knex }),
  });
  knexOfStore.set(store, knex);
  return store;
}

/** The database a test store was made over (`storeOver`), for tests that read or write rows directly. */
export function knexOf(store: SyncStore): Knex {
  const knex = knexOfStore.get(store);
  if (!knex) throw new Error('knexOf: this store was not made by storeOver');
  return knex;
}

/** A fresh database with the plugin's schema. */
export async function migratedStore(
  databases: TestDatabases,
  id: TestDatabaseId,
): Promise<SyncStore> {
  return storeOver(await databases.init(id));
}

/**
 * Empties the tables between tests (cheaper than a new database each time). Deleting
 * integrations and incidents cascades to everything that references them.
 */
export async function emptyTables(knex: Knex): Promise<void> {
  await knex('integrations').delete();
  await knex('incidents').delete();
}

let counter = 0;

/** Stores an integration with sensible defaults; `secrets_ciphertext` is a stand-in envelope. */
export async function givenIntegration(
  store: SyncStore,
  overrides: Partial<IntegrationRecord> = {},
  rules: FieldOwnershipRule[] = [],
  now = 1_000,
): Promise<IntegrationRecord> {
  counter += 1;
  return store.integrations.create(
    {
      name: `integration-${counter}`,
      organization_id: 'acme-corp',
      integration_type: 'servicenow',
      base_url: 'https://example.invalid',
      sync_direction: 'bidirectional',
      enabled: true,
      conflict_strategy: 'last-write-wins',
      conflict_window_seconds: 5,
      rate_limit: null,
      backoff_multiplier: 1,
      settings: {},
      secrets_ciphertext: 'v1.sealed',
      credential_keys: ['username', 'password'],
      webhook_secret_count: 1,
      ...overrides,
    },
    rules,
    now,
  );
}

export const INCIDENT_VALUES: IncidentValues = {
  title: 'Database down',
  description: 'Primary unreachable',
  severity: 'SEV-2',
  status: 'open',
  assigned_to: null,
  escalation_policy: null,
  entity_ref: 'component:default/db',
};

/** Stores an incident without links or outbox rows. */
export async function givenIncident(
  store: SyncStore,
  values: Partial<IncidentValues> = {},
  now = 1_000,
): Promise<IncidentRecord> {
  return store.incidents.create(
    { ...INCIDENT_VALUES, ...values },
    { now, source: 'platform', linkTo: [], plan: () => [] },
  );
}

/**
 * Expects a unique-constraint violation from either database. Not `rejects.toThrow()`:
 * better-sqlite3's native addon keeps the SqliteError class of the first test file a jest
 * worker loaded, so in later files the error is not `instanceof Error` and jest reports
 * "did not throw" for a promise that did reject.
 */
export async function expectUniqueViolation(
  promise: Promise<unknown>,
): Promise<void> {
  const outcome = await promise.then(
    () => 'resolved',
    (error: { message?: unknown }) => String(error?.message),
  );
  expect(outcome).toMatch(
    /UNIQUE constraint failed|duplicate key value violates unique constraint/,
  );
}

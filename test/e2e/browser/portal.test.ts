import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ConflictResponse, IncidentResponse, IntegrationResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { APP_URL, backend } from './portalClient';

/*
 * Browser test of the portal against the app and backend started by `npm start`
 * (app on 3000, backend on 7007 with the demo integrations and incidents).
 * Debian's chromium, headless; screenshots go to test/e2e/output/.
 */
const OUTPUT = resolve(__dirname, '../output');

let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
});

afterAll(async () => {
  await browser?.close();
});

async function shot(name: string) {
  await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
}

/**
 * Guest sign-in, once per browser page: the app shows its sign-in page first, and only
 * a signed-in session carries the Backstage token the backend asks for.
 */
let signedIn = false;
async function signInIfAsked() {
  if (signedIn) return;
  const guest = page.getByRole('button', { name: /^enter$/i });
  await guest.waitFor({ timeout: 60_000 });
  await guest.click();
  await page.getByRole('link', { name: 'ITSM Sync' }).first().waitFor({ timeout: 60_000 });
  signedIn = true;
}

it('shows the ITSM sync card on an entity page and syncs an incident with ITSM', async () => {
  const linked = await demoIncident();
  const [kind, rest] = linked.entity_ref!.split(':');
  const [namespace, name] = rest.split('/');

  await page.goto(`${APP_URL}/catalog/${namespace}/${kind}/${name}`);
  await signInIfAsked();
  await page.getByRole('heading', { name: 'ITSM sync', exact: true }).waitFor({ timeout: 60_000 });
  await page.getByText(linked.title).first().waitFor();
  await shot('01-entity-card');

  const section = page.getByRole('region', { name: `Incident ${linked.title}` });
  await section.getByRole('button', { name: /Sync with ITSM/ }).first().click();
  const ticket = section.getByText(/^Ticket /).first();
  await ticket.waitFor({ timeout: 30_000 });
  const expected = linked.links[0].external_key ?? linked.links[0].external_id;
  expect(await ticket.textContent()).toContain(expected!);
  // Spec 004: after a successful sync the button is in its cooldown.
  await section.getByRole('button', { name: /Cooldown/ }).first().waitFor();
  await shot('02-synced-with-ticket-id');
});

it('resolves a planted conflict on the conflicts page', async () => {
  const planted = await plantConflict();

  await page.goto(`${APP_URL}/itsm-sync/conflicts`);
  await signInIfAsked();
  const diff = page.getByRole('table', { name: `Conflict on ${planted.field}` }).first();
  await diff.waitFor({ timeout: 60_000 });
  await shot('03-conflicts-page');

  const card = page.locator('article', { has: diff });
  await card.getByRole('button', { name: 'Use platform' }).click();
  await page.getByRole('status').filter({ hasText: 'use-platform' }).waitFor({ timeout: 30_000 });
  await shot('04-conflict-resolved');

  const after = await backend<ConflictResponse>(`/v1/conflicts/${planted.id}`);
  expect(after.status).toBe('resolved');
  expect(after.resolution).toBe('use-platform');
});

/** A demo incident filed against a catalog entity and linked to at least one ticket. */
async function demoIncident(): Promise<IncidentResponse> {
  const wanted = process.env.PORTAL_ENTITY_REF; // e.g. component:default/payments-api
  const query = wanted ? `?entity_ref=${encodeURIComponent(wanted)}` : '';
  const incidents = await backend<{ items: IncidentResponse[] }>(`/v1/incidents${query}`);
  const linked = incidents.items.find(i => i.entity_ref && i.links.length > 0);
  if (!linked) throw new Error(`The demo data has no linked incident filed against an entity${wanted ? ` (${wanted})` : ''}`);
  return linked;
}

/**
 * Plants a conflict the way it happens in production: an integration on manual review,
 * then the platform and the vendor change the same field within the conflict window.
 * A demo conflict already pending is used as is.
 */
async function plantConflict(): Promise<ConflictResponse> {
  const pending = await backend<{ items: ConflictResponse[] }>('/v1/conflicts?status=pending');
  if (pending.items.length > 0) return pending.items[0];
  const integrations = await backend<{ items: IntegrationResponse[] }>('/v1/integrations');
  const manual = integrations.items.find(i => i.conflict_strategy === 'manual-review');
  throw new Error(
    `No pending conflict to resolve; the demo seed should plant one${manual ? ` on ${manual.name}` : ' (no manual-review integration)'}`,
  );
}

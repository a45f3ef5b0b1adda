import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type {
  ConflictResponse,
  IncidentResponse,
  IntegrationResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { APP_URL, hub, presentCallbackToken } from './portalClient';

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
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
    ],
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
  await page
    .getByRole('link', { name: 'ITSM Sync' })
    .first()
    .waitFor({ timeout: 60_000 });
  signedIn = true;
}

it('shows the ITSM sync card on an entity page and syncs an incident with ITSM', async () => {
  const linked = await demoIncident();
  const [kind, rest] = linked.entity_ref!.split(':');
  const [namespace, name] = rest.split('/');

  await page.goto(`${APP_URL}/catalog/${namespace}/${kind}/${name}`);
  await signInIfAsked();
  await page
    .getByRole('heading', { name: 'ITSM sync', exact: true })
    .waitFor({ timeout: 60_000 });
  await page.getByText(linked.title).first().waitFor();
  await shot('01-entity-card');

  const section = page.getByRole('region', {
    name: `Incident ${linked.title}`,
  });
  await section
    .getByRole('button', { name: /Sync with ITSM/ })
    .first()
    .click();
  const ticket = section.getByText(/^Ticket /).first();
  await ticket.waitFor({ timeout: 30_000 });
  const expected = linked.links[0].external_key ?? linked.links[0].external_id;
  expect(await ticket.textContent()).toContain(expected!);
  // After a successful sync the button is in its cooldown.
  await section
    .getByRole('button', { name: /Cooldown/ })
    .first()
    .waitFor();
  await shot('02-synced-with-ticket-id');
});

it('opens an incident’s sync history from the entity card, the same trace im shows', async () => {
  const linked = await demoIncident();
  const [kind, rest] = linked.entity_ref!.split(':');
  const [namespace, name] = rest.split('/');
  // The manual sync of the test before, at least, is traced by now.
  const trace = await hub.getIncidentTrace(linked.id);
  expect(trace.length).toBeGreaterThan(0);

  await page.goto(`${APP_URL}/catalog/${namespace}/${kind}/${name}`);
  await signInIfAsked();
  const section = page.getByRole('region', {
    name: `Incident ${linked.title}`,
  });
  await section
    .getByRole('button', { name: 'Sync history' })
    .click({ timeout: 60_000 });
  const history = page.getByRole('region', { name: 'Sync history' });
  await history.waitFor({ timeout: 30_000 });
  // Data rows have a row header (the time); the header row has column headers only.
  const rows = history
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader') });
  // The dialog read the trace when it opened: at least the entries read before it.
  expect(await rows.count()).toBeGreaterThanOrEqual(trace.length);
  const shown = (await rows.allTextContents()).join('\n');
  for (const entry of trace) {
    for (const f of entry.fields) {
      // The words of `im incident trace`.
      const text =
        f.outcome === 'applied'
          ? `${f.field} applied`
          : `${f.field} skipped (${f.reason}): ${f.why}`;
      expect(shown).toContain(text);
    }
    expect(shown).toContain(entry.kind);
  }
  await shot('02b-sync-history');
  await page.keyboard.press('Escape');
});

it('resolves a planted conflict on the conflicts page', async () => {
  const planted = await plantConflict();

  await page.goto(`${APP_URL}/itsm-sync/conflicts`);
  await signInIfAsked();
  const diff = page
    .getByRole('group', { name: `Conflict on ${planted.field}` })
    .first();
  await diff.waitFor({ timeout: 60_000 });
  await shot('03-conflicts-page');

  const card = page.locator('article', { has: diff });
  await card.getByRole('button', { name: 'Use platform' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: 'use-platform' })
    .waitFor({ timeout: 30_000 });
  await shot('04-conflict-resolved');

  const after = await hub.getConflict(planted.id);
  expect(after.status).toBe('resolved');
  expect(after.resolution).toBe('use-platform');
});

it('generates a callback token shown once, which the hub accepts until it is revoked in the portal', async () => {
  const hook = await webhookIntegration();
  const callback = { ticket_id: 'T-1', status: 'Resolved' };

  await page.goto(`${APP_URL}/itsm-sync/connectors`);
  await signInIfAsked();
  const keyButton = page
    .getByRole('row', { name: new RegExp(hook.name) })
    .getByRole('button', { name: `Callback tokens of ${hook.name}` });
  await keyButton.click({ timeout: 60_000 });
  const dialog = page.getByRole('dialog', {
    name: `Callback tokens: ${hook.name}`,
  });
  await dialog.waitFor();
  expect(
    await dialog.getByRole('textbox', { name: /Config ID/ }).inputValue(),
  ).toBe(hook.id);

  const appName = `Browser test ${Date.now()}`;
  await dialog.getByRole('textbox', { name: /App Name/ }).fill(appName);
  await dialog
    .getByRole('textbox', { name: 'Description' })
    .fill('generated, presented and revoked by the browser test');
  await dialog.getByRole('button', { name: 'Generate Token' }).click();
  const tokenField = dialog.getByRole('textbox', { name: 'Callback token' });
  await tokenField.waitFor({ timeout: 30_000 });
  const token = await tokenField.inputValue();
  const webhookUrl = await dialog
    .getByRole('textbox', { name: /Webhook URL/ })
    .inputValue();
  expect(token).toMatch(/^itsmcb_/);
  await dialog
    .getByText('Copy this token now: it is shown only once.')
    .waitFor();
  const tokenRow = dialog.getByRole('row', { name: new RegExp(appName) });
  await tokenRow.getByText('Active', { exact: true }).waitFor();
  await shot('05-callback-token-generated');

  // The token read off the page is the one the hub accepts on a callback.
  expect(await presentCallbackToken(webhookUrl, token, callback)).toBe(200);

  // Closed and opened again, the token is gone from the page for good; the list remains.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await keyButton.click();
  await tokenRow.waitFor();
  expect(
    await dialog.getByRole('textbox', { name: 'Callback token' }).count(),
  ).toBe(0);
  expect(await page.content()).not.toContain(token);

  await tokenRow.getByRole('button', { name: 'Revoke' }).click();
  await tokenRow.getByRole('button', { name: 'Confirm revoke' }).click();
  await tokenRow
    .getByText('Revoked', { exact: true })
    .waitFor({ timeout: 30_000 });
  await shot('06-callback-token-revoked');

  expect(await presentCallbackToken(webhookUrl, token, callback)).toBe(401);
  const listed = await hub.listCallbackTokens(hook.id);
  expect(listed.find(t => t.app_name === appName)?.state).toBe('revoked');
});

it('configures a templated webhook integration through the form, sees it Configured, and syncs an incident through it', async () => {
  // The demo's Jira simulator (port 7102, its default API user) stands in for the ITSM.
  const jira = 'http://127.0.0.1:7102';
  const name = 'browser-form-itsm';
  await page.goto(`${APP_URL}/itsm-sync/connectors`);
  await signInIfAsked();
  await page
    .getByRole('button', { name: 'Add integration' })
    .click({ timeout: 60_000 });
  const dialog = page.getByRole('dialog', { name: 'Add integration' });
  // react-aria radios: the label takes the click, the input is visually hidden.
  const pick = (scope: typeof dialog, label: string) =>
    scope
      .locator('label')
      .filter({ hasText: new RegExp(`^${label.replace(/[()+]/g, '\\$&')}$`) })
      .first()
      .click();
  await pick(dialog, 'ITSM Webhook (templated)');
  const form = dialog.getByRole('form');
  const text = (label: RegExp) => form.getByRole('textbox', { name: label });
  await text(/^Configuration name/).fill(name);
  // One ITSM webhook per organization: the suite's other one is in acme-corp.
  await text(/^Organization/).fill('browser-form-org');
  await text(/^Base URL/).fill(jira);
  await pick(form, 'username + password');
  await form.getByLabel(/^Credential: username/).fill('sync-bot@example.com');
  await form
    .getByLabel(/^Credential: password/)
    .fill('ATATT3xFfGF0-simulated-api-token');
  await text(/^ITSM provider/).fill('Jira');
  await text(/^Create URL/).fill('/rest/api/3/issue');
  await pick(form, 'basic');
  await text(/^Create payload/).fill(
    '{"fields": {"project": {"key": "OPS"}, "issuetype": {"name": "Incident"}, "summary": "$case_name"}}',
  );
  await text(/^Ticket ID field/).fill('id');
  await text(/^Update URL/).fill('/rest/api/3/issue/$ticket_id');
  await text(/^Update payload/).fill('{"fields": {"summary": "$case_name"}}');
  await text(/^Test URL/).fill('/rest/api/3/myself');
  await form.getByRole('button', { name: '+ Add status' }).click();
  await text(/^ITSM status 1/).fill('Done');
  await text(/^Case status 1/).fill('closed');
  await shot('05-integration-form');
  await form.getByRole('button', { name: 'Save and test' }).click();
  await form
    .getByRole('status')
    .getByText('Configured')
    .waitFor({ timeout: 30_000 });
  await shot('06-integration-configured');
  await page.keyboard.press('Escape');
  await page
    // The row is named by its integration cell, which starts with the name.
    .getByRole('row', { name: new RegExp(`^${name}`) })
    .getByText('Configured')
    .waitFor({ timeout: 30_000 });

  const saved = await hub.getIntegration(name);
  expect(saved.settings.status_mapping).toEqual({ Done: 'closed' });
  expect(saved.last_test?.ok).toBe(true);

  // An incident routed to it gets a Jira issue through the templates.
  const incident = await hub.createIncident({
    title: 'Browser form sync',
    severity: 'SEV-2',
    integrations: [name],
  });
  let issueId: string | null | undefined;
  for (let i = 0; i < 60 && !issueId; i++) {
    issueId = (await hub.getIncident(incident.id)).links.find(
      l => l.integration_id === saved.id,
    )?.external_id;
    if (!issueId) await new Promise(r => setTimeout(r, 500));
  }
  expect(issueId).toBeTruthy();
  const issue = await fetch(`${jira}/rest/api/3/issue/${issueId}`, {
    headers: {
      Authorization: `Basic ${Buffer.from('sync-bot@example.com:ATATT3xFfGF0-simulated-api-token').toString('base64')}`,
    },
  });
  expect(((await issue.json()) as any).fields.summary).toBe(
    'Browser form sync',
  );
});

/**
 * A generic ITSM webhook integration, the kind that takes callback tokens. The demo seeds
 * none (its simulators are ServiceNow, Jira and PagerDuty), so the test adds its own, or
 * reuses it when run again against the same portal. No incident is linked to it, so the
 * hub never calls its base URL; its status mapping knows the callback the test presents.
 */
async function webhookIntegration(): Promise<IntegrationResponse> {
  const name = 'browser-test-itsm-webhook';
  const integrations = await hub.listIntegrations();
  const existing = integrations.find(i => i.name === name);
  if (existing) return existing;
  return hub.createIntegration({
    organization_id: 'acme-corp',
    integration_type: 'itsm-webhook',
    name,
    base_url: 'http://127.0.0.1:9',
    credentials: { token: 'never-sent' },
    settings: {
      provider: 'Browser test ITSM',
      auth_type: 'bearer',
      create_url: '/tickets',
      create_payload: '{"title": "$case_name"}',
      ticket_id_field: 'id',
      update_url: '/tickets/$ticket_id',
      update_payload: '{"title": "$case_name"}',
      status_mapping: { Open: 'open', Resolved: 'resolved' },
    },
  });
}

/** A demo incident filed against a catalog entity and linked to at least one ticket. */
async function demoIncident(): Promise<IncidentResponse> {
  const wanted = process.env.PORTAL_ENTITY_REF; // e.g. component:default/payments-api
  const incidents = await hub.listIncidents({ entityRef: wanted });
  const linked = incidents.find(i => i.entity_ref && i.links.length > 0);
  if (!linked)
    throw new Error(
      `The demo data has no linked incident filed against an entity${wanted ? ` (${wanted})` : ''}`,
    );
  return linked;
}

/**
 * Plants a conflict the way it happens in production: an integration on manual review,
 * then the platform and the vendor change the same field within the conflict window.
 * A demo conflict already pending is used as is.
 */
async function plantConflict(): Promise<ConflictResponse> {
  const pending = await hub.listConflicts({ status: 'pending' });
  if (pending.length > 0) return pending[0];
  const integrations = await hub.listIntegrations();
  const manual = integrations.find(
    i => i.conflict_strategy === 'manual-review',
  );
  throw new Error(
    `No pending conflict to resolve; the demo seed should plant one${manual ? ` on ${manual.name}` : ' (no manual-review integration)'}`,
  );
}

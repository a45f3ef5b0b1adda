import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { APP_URL, hub } from './portalClient';
import { layoutProblems, settled } from './pageChecks';

/*
 * Every portal page at 1280 and 1920 px, light and dark: screenshots to test/e2e/output/,
 * and a failure when something overflows its card or the page shows an error. Before
 * that, a scripted burst of changes, which the integration page's charts must show.
 */
const OUTPUT = resolve(__dirname, '../output');
const WIDTHS = [1280, 1920];
const THEMES = ['light', 'dark'];
const BURST = 30;

// 28 page loads with screenshots, after the app's first compile.
jest.setTimeout(600_000);

let browser: Browser;
let page: Page;
/** The browser console's errors, printed when the test fails, to say why a page broke. */
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('console', m => {
    if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300));
  });
  page.on('requestfailed', r =>
    consoleErrors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
  );
  await page.goto(APP_URL);
  const guest = page.getByRole('button', { name: /^enter$/i });
  await guest.waitFor({ timeout: 60_000 });
  await guest.click();
  await page
    .getByRole('link', { name: 'ITSM Sync' })
    .first()
    .waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
});

/** A demo incident with a ticket, the integration of its first ticket, and a burst of changes to it. */
async function burst() {
  // A ticket outside a manual sync's cooldown: inside it, automatic updates wait for its end.
  const free = (l: {
    external_id: string | null;
    manual_sync_cooldown_until: string | null;
  }) =>
    l.external_id &&
    (!l.manual_sync_cooldown_until ||
      Date.parse(l.manual_sync_cooldown_until) < Date.now());
  const incidents = await hub.listIncidents();
  const incident = incidents.find(
    i => i.entity_ref && i.links.length > 0 && i.links.every(free),
  );
  if (!incident)
    throw new Error('The demo has no incident with tickets outside a cooldown');
  const link = incident.links[0];
  const before = (await hub.getSyncStatus(link.integration_id)).metrics
    .outbound_success;
  for (let n = 0; n < BURST; n++)
    await hub.updateIncident(incident.id, {
      description: `Browser test burst, change ${n + 1} of ${BURST}`,
    });
  // Delivered: the counter the charts read has moved by the burst (coalescing may merge some).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await hub.getSyncStatus(link.integration_id);
    if (status.outbox_pending === 0 && status.metrics.outbound_success > before)
      break;
    if (Date.now() > deadline)
      throw new Error(`The burst was not delivered: ${JSON.stringify(status)}`);
    await new Promise(r => setTimeout(r, 500));
  }
  return { incident, integrationId: link.integration_id };
}

it('charts the demo’s traffic after a burst of changes, and lays out every page at 1280 and 1920 px, light and dark, without overflow or errors', async () => {
  const { incident, integrationId } = await burst();
  const [kind, rest] = incident.entity_ref!.split(':');
  const [namespace, name] = rest.split('/');
  const pages: Array<{ name: string; path: string; ready: string | RegExp }> = [
    {
      name: 'entity-card',
      path: `/catalog/${namespace}/${kind}/${name}`,
      ready: 'ITSM sync',
    },
    // The other browser suite resolves the demo's planted conflict: either state is a page.
    {
      name: 'conflicts',
      path: '/itsm-sync/conflicts',
      ready: /^(Use platform|No pending conflicts)$/,
    },
    {
      name: 'connectors',
      path: '/itsm-sync/connectors',
      ready: 'Configured integrations',
    },
    { name: 'dlq', path: '/itsm-sync/dlq', ready: '' },
    { name: 'routing', path: '/itsm-sync/routing', ready: '' },
    {
      name: 'integration',
      path: `/itsm-sync/integrations/${integrationId}`,
      ready: 'Sync over time',
    },
    {
      name: 'incident',
      path: `/itsm-sync/incidents/${incident.id}`,
      ready: 'Fields and tickets',
    },
  ];

  // The integration page's charts show the burst: sent changes in the minute in progress, and a drawn line.
  await page.goto(`${APP_URL}/itsm-sync/integrations/${integrationId}`);
  const changes = page.getByRole('article', { name: 'Changes per minute' });
  await changes.waitFor({ timeout: 60_000 });
  const highest = await changes.getByText(/^Highest: Sent /).textContent();
  expect(Number(highest!.match(/Sent (\d+(\.\d+)?)/)![1])).toBeGreaterThan(0);
  // Drawn: a line through the minutes, or dots where there are too few minutes for one.
  const marks = changes.locator(
    '.recharts-line-curve[d*="L"], .recharts-line-dots circle',
  );
  await marks.first().waitFor({ state: 'visible' });
  const latency = page.getByRole('article', { name: 'Propagation latency' });
  expect(await latency.getByText(/^Latest: p50 \d+ ms/).count()).toBe(1);
  await page.screenshot({
    path: join(OUTPUT, 'charts-after-burst.png'),
    fullPage: true,
  });

  // The sparkline on the connectors page shows it too.
  await page.goto(`${APP_URL}/itsm-sync/connectors`);
  const spark = page
    .getByRole('figure', { name: /Sync of .* in the last hour/ })
    .first();
  await spark.waitFor({ timeout: 60_000 });
  expect(
    await page
      .getByText(/[1-9]\d* sent, \d+ received in the last hour/)
      .count(),
  ).toBeGreaterThan(0);

  const failures: string[] = [];
  for (const theme of THEMES) {
    await page.evaluate(t => window.localStorage.setItem('theme', t), theme);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 1000 });
      for (const p of pages) {
        await page.goto(`${APP_URL}${p.path}`);
        if (p.ready)
          await page
            .getByText(p.ready, { exact: true })
            .first()
            .waitFor({ timeout: 60_000 });
        await settled(page);
        expect(await page.evaluate(() => document.body.dataset.themeMode)).toBe(
          theme,
        );
        await page.screenshot({
          path: join(OUTPUT, `${p.name}-${width}-${theme}.png`),
          fullPage: true,
        });
        for (const problem of await layoutProblems(page))
          failures.push(`${p.name} at ${width}px, ${theme}: ${problem}`);
      }
    }
  }
  if (failures.length) console.log(consoleErrors.join('\n'));
  expect(failures).toEqual([]);
});

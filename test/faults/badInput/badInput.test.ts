import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { exitWhenDone } from '../lib/exitWhenDone';
import { capturingRootLogger } from './captureLogs';
import { signedBadCase, unsignedCase, type BadCase } from './generateCases';
import { MAX_BODY_BYTES, startInProcessHub } from './inProcessHub';
import { Prng } from './prng';
import {
  jiraKit,
  pagerDutyKit,
  serviceNowKit,
  type VendorKit,
} from './vendorKits';

const UNSIGNED_PER_CONNECTOR = Number(process.env.BAD_INPUT_CASES ?? 10_000);
const SIGNED_BAD_PER_CONNECTOR = 600;
const REPLAYS = 50;
const CONCURRENCY = 16;

let kits: VendorKit[] = [];
const logs = capturingRootLogger(() => kits.flatMap(k => k.secrets));
let hub: Awaited<ReturnType<typeof startInProcessHub>>;

before(async () => {
  kits = [await serviceNowKit(), await jiraKit(), await pagerDutyKit()];
  hub = await startInProcessHub(logs.factory);
});
after(async () => {
  await hub?.backend.stop();
  for (const kit of kits) await kit.stop();
  exitWhenDone();
});

/** What the hub holds that a webhook could change: incidents with their links, conflicts. */
async function snapshot() {
  const incidents = await hub.call('GET', '/v1/incidents');
  const conflicts = await hub.call('GET', '/v1/conflicts');
  assert.equal(incidents.status, 200);
  return JSON.stringify({
    incidents: incidents.body,
    conflicts: conflicts.body,
  });
}

/** Sends cases with bounded concurrency; counts statuses, 5xx and responses that leak a secret. */
async function send(kit: VendorKit, url: string, cases: BadCase[]) {
  const statuses = new Map<number, number>();
  const serverErrors: string[] = [];
  const leakingResponses: string[] = [];
  let next = 0;
  async function worker() {
    while (next < cases.length) {
      const c = cases[next++];
      const res = await fetch(url, {
        method: 'POST',
        headers: c.headers,
        body: c.rawBody,
      });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500)
        serverErrors.push(`${c.kind}: ${res.status} ${text.slice(0, 300)}`);
      if (kit.secrets.some(s => text.includes(s)))
        leakingResponses.push(c.kind);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { statuses, serverErrors, leakingResponses };
}

const histogram = (m: Map<number, number>) =>
  [...m]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}:${n}`)
    .join(',');

for (const [index, kitName] of ['servicenow', 'jira', 'pagerduty'].entries()) {
  test(`${kitName}: ${UNSIGNED_PER_CONNECTOR} unsigned or forged webhooks change nothing, no 5xx, no secret leaks`, async () => {
    const kit = kits[index];
    const created = await hub.call('POST', '/v1/integrations', {
      organization_id: 'acme-corp',
      name: `bad-input-${kit.type}`,
      sync_direction: 'bidirectional',
      enabled: true,
      webhook_secrets: [kit.secret],
      ...kit.integrationBody(),
    });
    assert.equal(created.status, 201, created.text);
    assert.ok(
      !kit.secrets.some(s => created.text.includes(s)),
      'the create response carries a secret',
    );
    const path = `/api/itsm-sync/v1/webhooks/${created.body.id}`;
    const url = `${hub.base}/v1/webhooks/${created.body.id}`;
    kit.target(url);

    // A few real deliveries first: their bodies are the seeds of the bad ones, and their
    // effect is the state that nothing unsigned may change.
    const reals = [];
    for (let i = 0; i < 5; i++) reals.push(await kit.realWebhook(i));
    await new Promise(r => setTimeout(r, 300));
    const prng = new Prng(0x5eed + index);

    const before = await snapshot();
    const cases: BadCase[] = [];
    for (let i = 0; i < UNSIGNED_PER_CONNECTOR; i++) {
      cases.push(
        await unsignedCase(
          prng,
          kit,
          reals.map(r => r.rawBody),
          path,
          MAX_BODY_BYTES / 2,
        ),
      );
    }
    const t0 = Date.now();
    const unsigned = await send(kit, url, cases);
    const unsignedMs = Date.now() - t0;
    await new Promise(r => setTimeout(r, 300));
    const afterUnsigned = await snapshot();

    // Replays of one real signed delivery: the first one already counted, the rest change nothing.
    const replayed = await send(
      kit,
      url,
      Array.from({ length: REPLAYS }, () => ({ kind: 'replay', ...reals[0] })),
    );
    await new Promise(r => setTimeout(r, 300));
    const afterReplays = await snapshot();

    // Correctly signed but malformed, mistyped or oversized: refused with a 4xx, never a 5xx.
    const signedCases: BadCase[] = [];
    for (let i = 0; i < SIGNED_BAD_PER_CONNECTOR; i++)
      signedCases.push(
        await signedBadCase(
          prng,
          kit,
          reals.map(r => r.rawBody),
          path,
          MAX_BODY_BYTES / 2,
        ),
      );
    const t1 = Date.now();
    const signed = await send(kit, url, signedCases);
    const signedMs = Date.now() - t1;

    const alive = await hub.call('GET', '/v1/connectors');
    console.log(
      `[faults] bad input ${kit.type}: unsigned_sent=${cases.length} statuses=${histogram(unsigned.statuses)} ` +
        `state_changed=${before !== afterUnsigned} replays=${REPLAYS} replay_statuses=${histogram(replayed.statuses)} ` +
        `replay_changed_state=${afterUnsigned !== afterReplays} signed_bad_sent=${signedCases.length} ` +
        `signed_statuses=${histogram(signed.statuses)} 5xx=${unsigned.serverErrors.length + replayed.serverErrors.length + signed.serverErrors.length} ` +
        `leaking_responses=${unsigned.leakingResponses.length + signed.leakingResponses.length} log_lines=${logs.capture.lines} log_leaks=${logs.capture.leaks.length} unsigned_ms=${unsignedMs} signed_ms=${signedMs}`,
    );
    assert.deepEqual(
      [
        ...unsigned.serverErrors,
        ...replayed.serverErrors,
        ...signed.serverErrors,
      ].slice(0, 5),
      [],
    );
    assert.equal(
      afterUnsigned,
      before,
      'an unsigned or forged webhook changed the hub',
    );
    assert.equal(
      afterReplays,
      afterUnsigned,
      'a replayed delivery was applied again',
    );
    assert.equal(
      unsigned.statuses.get(200) ?? 0,
      0,
      'an unsigned webhook was answered 200',
    );
    assert.deepEqual(
      [...unsigned.leakingResponses, ...signed.leakingResponses],
      [],
    );
    assert.deepEqual(logs.capture.leaks.slice(0, 3), []);
    assert.ok(
      logs.capture.lines > 0,
      'no log line was captured: the check would prove nothing',
    );
    assert.equal(alive.status, 200);
  });
}

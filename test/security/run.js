#!/usr/bin/env node
/*
 * `npm run test:security`: runs the tests that attack the hub (SSRF by every address
 * spelling, DNS name, redirect and template; credential redirects; vendor bodies shown to
 * readers; forged note authors; the CLI token against another plugin; replayed and stale
 * webhooks; reused Jira JWTs; sealed headers read back; ciphertexts left under an old key;
 * floods of the unauthenticated routes; a tarpit vendor beside a healthy one) and prints what each tried and whether it held. Traffic stays on loopback: internal targets are
 * listeners on 127.0.0.5, outside the test allow-list, and DNS answers come from an
 * injected resolver. Exit code is non-zero when any attempt got through.
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const suites = [
  [
    'SSRF: address families and spellings, DNS names, rebinding, redirects, deadline, size cap',
    'plugins/itsm-sync-node/src/outbound/OutboundPolicy.test.ts',
  ],
  [
    'SSRF through a hub: templates, base_url, lookup read-back, redirects; credential redirect',
    'plugins/itsm-sync-backend-module-webhook/src/ssrf.security.test.ts',
  ],
  [
    'URL templates: literal origins, no path steps',
    'plugins/itsm-sync-backend-module-webhook/src/settings/urlTemplate.test.ts',
  ],
  [
    'Credentials follow their host',
    'plugins/itsm-sync-backend/src/service/credentialsFollowHost.test.ts',
  ],
  [
    'Vendor bodies are not reflected to readers',
    'plugins/itsm-sync-backend/src/service/vendorBodies.test.ts',
  ],
  [
    'Write routes record the principal',
    'plugins/itsm-sync-backend/src/service/noteAuthor.test.ts',
  ],
  ['The CLI token', 'packages/backend/src/imToken.test.ts'],
  [
    'The CLI token against another plugin',
    'packages/backend/src/imToken.e2e.test.ts',
  ],
  [
    "A person's own token from the CLI: their roles, their name in the audit log",
    'packages/backend/src/modules/cliUserToken.e2e.test.ts',
  ],
  [
    'Replayed and stale webhooks through a hub: new unsigned ids, an older change re-signed, Standard Webhooks replays',
    'plugins/itsm-sync-backend-module-servicenow/src/replay.security.test.ts',
  ],
  [
    'Standard Webhooks signatures: id.timestamp.body, 5 minute window',
    'plugins/itsm-sync-node/src/standardWebhooks.test.ts',
  ],
  [
    'The ServiceNow signer script, verified by the hub',
    'plugins/itsm-sync-backend-module-servicenow/src/script/standardWebhookSigner.test.ts',
  ],
  [
    'Jira Connect JWT: Authorization header only, maximum age, reused tokens',
    'plugins/itsm-sync-backend-module-jira/src/connector/verifyWebhook.test.ts',
  ],
  [
    'The replay cache replicas share',
    'plugins/itsm-sync-backend/src/store/ReplayKeyRepository.test.ts',
  ],
  [
    'Sealed additional_headers; signed callbacks of the templated webhook',
    'plugins/itsm-sync-backend-module-webhook/src/webhookSecurity.security.test.ts',
  ],
  [
    'Reseal after a key rotation',
    'plugins/itsm-sync-backend/src/service/reseal.security.test.ts',
  ],
  [
    'Envelopes bound to their integration',
    'plugins/itsm-sync-backend/src/crypto/SecretCipher.test.ts',
  ],
  [
    'No generated key outside development',
    'plugins/itsm-sync-backend/src/crypto/SecretCipher.fromConfig.test.ts',
  ],
  [
    'Unauthenticated routes: generic refusals, ids only, rate limits',
    'plugins/itsm-sync-backend/src/service/webhookRoutes.security.test.ts',
  ],
  [
    'The webhook rate limiter',
    'plugins/itsm-sync-backend/src/service/WebhookRateLimiter.test.ts',
  ],
  [
    'Noisy neighbours: a tarpit vendor beside a healthy one, on SQLite and Postgres',
    'plugins/itsm-sync-backend-module-servicenow/src/noisyNeighbour.timing.test.ts',
  ],
];

const dir = mkdtempSync(path.join(tmpdir(), 'itsm-security-'));
// Tests that measure something append their figures here (one JSON line each: file, fullName, text).
const figuresFile = path.join(dir, 'figures.jsonl');
/**
 * Runs some of the suites through `npm test`'s runner (it finds PostgreSQL: a connection
 * string, Docker, or an embedded server, so the POSTGRES_15 cases run on any machine) and
 * answers jest's results, or undefined when it wrote none.
 */
function runSuites(files, out, extraArgs, timeoutMs) {
  // No file named would make jest run every test of the repository.
  if (!files.length) return { success: true, testResults: [] };
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, 'scripts', 'test.js'),
      '--ci',
      '--json',
      `--outputFile=${out}`,
      ...extraArgs,
      ...files,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        CI: '1',
        ITSM_SECURITY_FIGURES_DIR: dir,
        ITSM_SYNC_TIMING_TESTS: '1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: timeoutMs,
    },
  );
  try {
    return JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    console.error(
      `test:security: jest wrote no results for ${files.join(', ')} (exit ${run.status})`,
    );
    return undefined;
  }
}

// The attacks side by side; then the timing comparisons alone, one file at a time, so that
// what they measure is the hub and not the other suites running beside them.
const isTiming = file => file.endsWith('.timing.test.ts');
const attacks = runSuites(
  suites.map(([, file]) => file).filter(file => !isTiming(file)),
  path.join(dir, 'results.json'),
  [],
  15 * 60_000,
);
const timing = runSuites(
  suites.map(([, file]) => file).filter(isTiming),
  path.join(dir, 'timing-results.json'),
  ['--runInBand'],
  // The tarpit check alone measures 6,000 deliveries (two databases, two conditions).
  15 * 60_000,
);
if (!attacks || !timing) process.exit(1);
const results = {
  success: attacks.success && timing.success,
  testResults: [...attacks.testResults, ...timing.testResults],
};

let figures = [];
try {
  figures = readFileSync(figuresFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line));
} catch {
  // No test measured anything.
}

let tried = 0;
let held = 0;
// A suite that did not run (a moved or renamed file) is a hole in the defence, not a pass.
let missing = 0;
for (const [title, file] of suites) {
  const suite = results.testResults.find(r => r.name.endsWith(file));
  console.log(`\n== ${title}  (${file})`);
  if (!suite) {
    console.log('   NOT RUN');
    missing += 1;
    continue;
  }
  if (suite.assertionResults.length === 0) {
    console.log(`   FAILED TO RUN: ${suite.message.split('\n')[0]}`);
    missing += 1;
  }
  for (const test of suite.assertionResults) {
    tried += 1;
    const ok = test.status === 'passed';
    if (ok) held += 1;
    console.log(`   ${ok ? 'held  ' : 'BROKEN'}  ${test.title}`);
    for (const figure of figures)
      if (file.endsWith(figure.file) && test.fullName === figure.fullName)
        console.log(`            ${figure.text}`);
  }
}
console.log(
  `\ntest:security: ${tried} attempts, ${held} held, ${tried - held} got through${missing ? `; ${missing} suite(s) NOT RUN` : ''}`,
);
process.exit(
  results.success && tried > 0 && tried === held && missing === 0 ? 0 : 1,
);

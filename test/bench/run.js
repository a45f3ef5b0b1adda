#!/usr/bin/env node
/*
 * `npm run bench`: starts hub backends (Postgres, then SQLite) and the ServiceNow
 * simulator on loopback, measures inbound, outbound, reconcile and memory, and writes
 * test/bench/RESULTS.md. Bounded: every phase has a fixed size and a deadline.
 */
require('@backstage/cli/config/nodeTransform.cjs');
require('./bench.ts')
  .main()
  .then(() => process.exit(0))
  .catch(error => {
    console.error(error);
    process.exit(1);
  });

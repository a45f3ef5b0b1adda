/*
 * A minimal ITSM Sync Hub backend for benchmarks and fault tests: the itsm-sync plugin
 * with the three vendor connector modules, nothing else. Run as its own process (so it
 * can be killed with SIGKILL) by `hubProcess.ts`; configuration comes from the config
 * file named by `--config`, written by the harness for each run. With
 * `--without-itsm-sync` it is the same backend with the bench routes alone: the memory
 * baseline the hub is compared with.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import express from 'express';

/** Trivial routes in the same backend: the baselines the benchmarks compare against. */
const benchPlugin = createBackendPlugin({
  pluginId: 'bench',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const router = express.Router();
        router.use(express.json({ limit: '1mb' }));
        router.post('/noop', (req, res) => {
          res
            .status(202)
            .json({ ok: true, bytes: JSON.stringify(req.body ?? null).length });
        });
        // The same, behind Backstage's authentication as the API is: the ceiling of any authenticated call.
        router.patch('/authenticated-noop', (req, res) => {
          res
            .status(200)
            .json({ ok: true, bytes: JSON.stringify(req.body ?? null).length });
        });
        // The hub's own event-loop delay over a phase: whether a latency tail is the hub stalling.
        const loopDelay = monitorEventLoopDelay({ resolution: 10 });
        loopDelay.enable();
        router.post('/loop-delay/reset', (_req, res) => {
          loopDelay.reset();
          res.status(204).end();
        });
        router.get('/loop-delay', (_req, res) => {
          res.json({
            max_ms: Math.round(loopDelay.max / 1e6),
            p99_ms: Math.round(loopDelay.percentile(99) / 1e6),
          });
        });
        // Where the hub's memory is: the process's own split and V8's heap spaces, MB.
        router.get('/memory', (_req, res) => {
          const mb = (n: number) => Math.round(n / 1048576);
          const usage = process.memoryUsage();
          res.json({
            rss: mb(usage.rss),
            heap_total: mb(usage.heapTotal),
            heap_used: mb(usage.heapUsed),
            external: mb(usage.external),
            array_buffers: mb(usage.arrayBuffers),
            spaces: Object.fromEntries(
              getHeapSpaceStatistics().map(s => [
                s.space_name,
                mb(s.space_used_size),
              ]),
            ),
          });
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/noop', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({
          path: '/loop-delay',
          allow: 'unauthenticated',
        });
        httpRouter.addAuthPolicy({ path: '/memory', allow: 'unauthenticated' });
      },
    });
  },
});

const backend = createBackend();
if (!process.argv.includes('--without-itsm-sync')) {
  backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend'));
  backend.add(
    import('@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow'),
  );
  backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend-module-jira'));
  backend.add(
    import('@itsm-sync-hub/plugin-itsm-sync-backend-module-pagerduty'),
  );
}
backend.add(benchPlugin);
backend.start();

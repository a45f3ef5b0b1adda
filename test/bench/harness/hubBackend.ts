/*
 * A minimal ITSM Sync Hub backend for benchmarks and fault tests: the itsm-sync plugin
 * with the three vendor connector modules, nothing else. Run as its own process (so it
 * can be killed with SIGKILL) by `hubProcess.ts`; configuration comes from the config
 * file named by `--config`, written by the harness for each run.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/noop', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({
          path: '/loop-delay',
          allow: 'unauthenticated',
        });
      },
    });
  },
});

const backend = createBackend();
backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend'));
backend.add(
  import('@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow'),
);
backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend-module-jira'));
backend.add(import('@itsm-sync-hub/plugin-itsm-sync-backend-module-pagerduty'));
backend.add(benchPlugin);
backend.start();

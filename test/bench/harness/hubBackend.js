#!/usr/bin/env node
// Runs the TypeScript backend entry through Backstage's own SWC transform (as packages/cli/bin/im does).
require('@backstage/cli/config/nodeTransform.cjs');
require('./hubBackend.ts');

import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync';
import { signInModule } from './signInModule';

/** The portal: the catalog with the ITSM sync card and pages, behind guest sign-in. */
const app = createApp({
  features: [catalogPlugin, itsmSyncPlugin, signInModule],
});

export default app.createRoot();

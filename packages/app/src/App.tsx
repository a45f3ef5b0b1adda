import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import itsmSyncPlugin from '@itsm-sync-hub/plugin-itsm-sync';
import { signInModule } from './signInModule';

/**
 * The portal: the catalog with the ITSM sync card and pages, notifications to owners (pushed
 * live through signals) and software templates, behind guest sign-in.
 */
const app = createApp({
  features: [
    catalogPlugin,
    itsmSyncPlugin,
    notificationsPlugin,
    signalsPlugin,
    scaffolderPlugin,
    signInModule,
  ],
});

export default app.createRoot();

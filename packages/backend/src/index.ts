/*
 * The example backend: catalog, guest auth, permissions, the app backend, user settings and
 * signals (the app's storage API keeps starred entities there) and the ECS deploy readiness
 * plugin. Lean on purpose; add the plugins your organisation uses.
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// The app's storage API (@backstage/plugin-app-module-user-settings) keeps user settings such as
// starred entities in the user-settings backend, and hears of changes through signals.
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(
  import('@ecs-readiness/backstage-plugin-ecs-deploy-readiness-backend'),
);

backend.start();

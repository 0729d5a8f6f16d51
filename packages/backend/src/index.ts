/*
 * The example backend: catalog, guest auth, permissions, the app backend and the ECS deploy
 * readiness plugin. Lean on purpose; add the plugins your organisation uses.
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

backend.add(
  import('@ecs-readiness/backstage-plugin-ecs-deploy-readiness-backend'),
);

backend.start();

/*
 * The example backend: catalog, guest auth, permissions, the app backend, user settings and
 * signals (the app's storage API keeps starred entities there), notifications, MCP actions and
 * the ECS deploy readiness plugin with its catalog module.
 * Lean on purpose; add the plugins your organisation uses.
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
// Stamps linked entities with the label ecs-deploy-readiness/status (docs/catalog-queries.md).
backend.add(
  import(
    '@ecs-readiness/backstage-plugin-catalog-backend-module-ecs-deploy-readiness'
  ),
);

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// The app's storage API (@backstage/plugin-app-module-user-settings) keeps user settings such as
// starred entities in the user-settings backend, and hears of changes through signals.
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// The bell: ecsDeployReadiness.notifications.enabled sends one when an entity becomes blocked
// (docs/notifications.md).
backend.add(import('@backstage/plugin-notifications-backend'));

// Actions from the plugins in backend.actions.pluginSources, to MCP clients over streamable HTTP
// at /api/mcp-actions/v1 (docs/actions-and-mcp.md).
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(
  import('@ecs-readiness/backstage-plugin-ecs-deploy-readiness-backend'),
);

// Tech insights: facts stored on a schedule, and checks run on them (docs/tech-insights.md).
backend.add(import('@backstage-community/plugin-tech-insights-backend'));
// The json-rules-engine fact checker: the checks under techInsights.factChecker.checks.
backend.add(
  import('@backstage-community/plugin-tech-insights-backend-module-jsonfc'),
);
// The fact retriever ecsDeployReadinessFactRetriever: each entity's readiness as facts.
backend.add(
  import(
    '@ecs-readiness/backstage-plugin-tech-insights-backend-module-ecs-deploy-readiness'
  ),
);

backend.start();

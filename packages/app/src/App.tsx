import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import ecsDeployReadinessPlugin from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness/alpha';
import { navModule } from './modules/nav';

export default createApp({
  features: [catalogPlugin, ecsDeployReadinessPlugin, navModule],
});

import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import ecsDeployReadinessPlugin from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness/alpha';
import { navModule } from './modules/nav';

// app.packages: all also discovers these from package.json when the app is built; listing them
// keeps the app whole without discovery (in tests), and createApp keeps one plugin per id.
// Notifications: the page at /notifications and the sidebar's bell (modules/nav). Signals: the
// push channel that updates the bell's count and pops a snackbar when a notification arrives.
export default createApp({
  features: [
    catalogPlugin,
    ecsDeployReadinessPlugin,
    notificationsPlugin,
    signalsPlugin,
    navModule,
  ],
});

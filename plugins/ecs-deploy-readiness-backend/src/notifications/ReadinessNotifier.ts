/*
 * Copyright 2026 The ECS Deploy Readiness Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  type CompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  EntityReadinessStatus,
  Finding,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { readinessPageUrl } from '../actions/entityLink';

/** One entity's status change, as the audit's rollup reports it. */
export interface EntityStatusChange {
  entityRef: string;
  /** Undefined for an entity's first report. */
  from?: EntityReadinessStatus;
  to: EntityReadinessStatus;
  /** The entity's findings after the change (its own and its services'). */
  findings: Finding[];
}

/** Options of {@link ReadinessNotifier.create}. */
export interface ReadinessNotifierOptions {
  notifications: NotificationService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  /** `app.baseUrl`, for the link to the entity's readiness tab. */
  appBaseUrl: string;
}

/** The notifications' topic, for users' notification settings. */
export const NOTIFICATION_TOPIC = 'ecs-deploy-readiness';

/**
 * Tells an entity's owners when it becomes blocked, through Backstage's notifications service:
 * once per transition into `blocked` (the audit reports a change only when the status changed),
 * with the blocking causes and a link to the card. Never throws: a failed notification is
 * logged and the audit goes on.
 */
export class ReadinessNotifier {
  private constructor(private readonly options: ReadinessNotifierOptions) {}

  static create(options: ReadinessNotifierOptions): ReadinessNotifier {
    return new ReadinessNotifier(options);
  }

  async entityStatusChanged(change: EntityStatusChange): Promise<void> {
    if (change.to !== 'blocked' || change.from === 'blocked') return;
    const { notifications, catalog, auth, logger, appBaseUrl } = this.options;
    try {
      const entity = await catalog.getEntityByRef(change.entityRef, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      const owners = (entity?.relations ?? [])
        .filter(r => r.type === RELATION_OWNED_BY)
        .map(r => r.targetRef);
      if (owners.length === 0) {
        logger.info(
          `${change.entityRef} became blocked; it has no owner to notify`,
        );
        return;
      }
      const ref: CompoundEntityRef = parseEntityRef(change.entityRef);
      const name = entity?.metadata.title ?? ref.name;
      const causes = [
        ...new Set(
          change.findings
            .filter(f => f.severity === 'blocking')
            .map(f => f.title),
        ),
      ];
      await notifications.send({
        recipients: { type: 'entity', entityRef: owners },
        payload: {
          title: `${name} is blocked: new ECS tasks cannot pull its image`,
          description: causes.length
            ? causes.slice(0, 3).join('\n') +
              (causes.length > 3 ? `\n(and ${causes.length - 3} more)` : '')
            : 'The last audit found a blocking problem; see the card for the cause and the fix.',
          link: readinessPageUrl(appBaseUrl, ref),
          severity: 'high',
          topic: NOTIFICATION_TOPIC,
          // One notification per entity: a later transition re-raises it instead of adding one.
          scope: `ecs-deploy-readiness:${change.entityRef}`,
        },
      });
    } catch (error) {
      logger.warn(
        `Could not notify the owners of ${change.entityRef} that it became blocked: ${error}`,
      );
    }
  }
}

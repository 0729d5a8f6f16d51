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

import type {
  FactRetriever,
  FactRetrieverContext,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
import { ServiceUnavailableError } from '@backstage/errors';
import { durationToMilliseconds, type HumanDuration } from '@backstage/types';
import { DateTime } from 'luxon';
import {
  ECS_DEPLOY_READINESS_FACT_RETRIEVER_ID,
  ecsDeployReadinessFactSchema,
  entityFacts,
  FACT_RETRIEVER_VERSION,
} from './facts';
import type { ScorecardEntry } from './parse';
import { ReadinessReader } from './ReadinessReader';

/**
 * Options of {@link createEcsDeployReadinessFactRetriever}.
 *
 * @public
 */
export interface EcsDeployReadinessFactRetrieverOptions {
  /**
   * The kinds of entity that get facts, in any case. Default `component`, `resource` and
   * `system`. The backend plugin reports on any entity that carries a link annotation; an
   * entity of another kind gets facts only when its kind is listed here.
   */
  entityKinds?: string[];
  /** One request's limit (one scorecard page). Default 30 seconds. */
  requestTimeout?: HumanDuration;
}

const DEFAULT_KINDS = ['component', 'resource', 'system'];
const DEFAULT_REQUEST_TIMEOUT: HumanDuration = { seconds: 30 };
const PLUGIN_ID = 'ecs-deploy-readiness';
/** How many reasons a warning quotes. */
const QUOTED = 3;

/**
 * Creates the tech-insights fact retriever `ecsDeployReadinessFactRetriever`: for each entity
 * the ECS deploy readiness backend plugin has audited, its status, its counts of findings by
 * severity, whether its report is stale, when it was last audited and last failed to pull an
 * image, and one boolean fact per check (`check_platformMissing`, …) that is true when the
 * entity passes the check. The facts are described by {@link ecsDeployReadinessFactSchema}.
 *
 * A run reads the plugin's `GET /scorecard` and nothing else: every page, 500 rows each, so one
 * request per 500 entities, with the tech-insights plugin's own service credentials. Entities
 * the plugin does not report on, or has never audited, get no facts. When the scorecard cannot
 * be read (the plugin is down, an error response, a malformed page, or no row of a valid
 * shape) the handler throws a `ServiceUnavailableError`: tech-insights then stores nothing and
 * the facts of the last run stay the latest. A malformed row alone is left out of the run, with
 * a warning, for the same effect on that entity.
 *
 * @public
 */
export function createEcsDeployReadinessFactRetriever(
  options: EcsDeployReadinessFactRetrieverOptions = {},
): FactRetriever {
  const kinds = (options.entityKinds ?? DEFAULT_KINDS).map(kind =>
    kind.toLocaleLowerCase('en-US'),
  );
  const timeoutMs = durationToMilliseconds(
    options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT,
  );
  return {
    id: ECS_DEPLOY_READINESS_FACT_RETRIEVER_ID,
    version: FACT_RETRIEVER_VERSION,
    title: 'ECS deploy readiness',
    description:
      'Whether the ECS services behind an entity can pull and start their images: status, findings by severity, last audit and pull failure, and each check',
    entityFilter: [{ kind: kinds }],
    schema: ecsDeployReadinessFactSchema,
    handler: ctx =>
      retrieveFacts(ctx, {
        reader: ReadinessReader.create({
          discovery: ctx.discovery,
          auth: ctx.auth,
          pluginId: PLUGIN_ID,
          timeoutMs,
        }),
        kinds: new Set(kinds),
      }),
  };
}

async function retrieveFacts(
  ctx: FactRetrieverContext,
  run: { reader: ReadinessReader; kinds: Set<string> },
): Promise<TechInsightFact[]> {
  const { logger } = ctx;
  let scorecard;
  try {
    scorecard = await run.reader.readScorecard();
  } catch (error) {
    throw unreadable(String(error), error);
  }
  const { entries, invalid, pages } = scorecard;
  if (entries.length === 0 && invalid.length > 0) {
    // Not one row of the documented shape: most likely a backend plugin of another version.
    // Storing nothing with a warning would look like a run that found no entities.
    throw unreadable(
      `all ${invalid.length} rows are malformed: ${quote(invalid)}`,
    );
  }
  if (invalid.length > 0) {
    logger.warn(
      `Left out ${
        invalid.length
      } malformed scorecard rows; their entities' last facts stay the latest: ${quote(
        invalid,
      )}`,
    );
  }

  // When the facts were read, in UTC: set here rather than left to the database's default,
  // which SQLite stores in a format tech-insights cannot read back (its API then says null).
  const timestamp = DateTime.utc();
  const facts: TechInsightFact[] = entries
    .filter(
      entry =>
        run.kinds.has(entry.kind.toLocaleLowerCase('en-US')) && audited(entry),
    )
    .map(entry => ({
      entity: {
        kind: entry.kind,
        namespace: entry.namespace,
        name: entry.name,
      },
      facts: entityFacts(entry),
      timestamp,
    }));
  facts.sort((a, b) => refOf(a.entity).localeCompare(refOf(b.entity), 'en'));
  logger.info(
    `Read ECS deploy readiness facts of ${
      facts.length
    } entities from ${pages} scorecard pages (${
      entries.length - facts.length
    } of ${entries.length} valid rows not audited or of another kind, ${
      invalid.length
    } malformed rows left out)`,
  );
  return facts;
}

/** The error that makes tech-insights store nothing this run and keep the last facts. */
function unreadable(reason: string, cause?: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError(
    `Could not read the ECS deploy readiness scorecard, so no facts are stored this run and the last run's stay the latest: ${reason}`,
    cause,
  );
}

/**
 * An entity the plugin has audited: one with a status, or whose every service's shard has had
 * an audit. An entity linked but never audited (`unknown`, no audit time) gets no facts.
 */
function audited(entry: ScorecardEntry): boolean {
  return entry.status !== 'unknown' || entry.lastAudited !== undefined;
}

function refOf(entity: { kind: string; namespace: string; name: string }) {
  return `${entity.kind}:${entity.namespace}/${entity.name}`.toLocaleLowerCase(
    'en-US',
  );
}

function quote(reasons: string[]): string {
  const more = reasons.length - QUOTED;
  return `${reasons.slice(0, QUOTED).join('; ')}${
    more > 0 ? `; and ${more} more` : ''
  }`;
}

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

import { resolve } from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { loadWorld, type World } from 'ecs-sandbox';
import { EXAMPLES, exampleEntities } from '../__testUtils__/demo';
import { EntityLinker } from './EntityLinker';
import type { ResolveTags } from './types';

/** GetResources over the demo scenario's ECS services, as the resource tagging API answers. */
function resolveTagsIn(world: World): ResolveTags {
  return async query => {
    const serviceArns: string[] = [];
    const searched = [];
    for (const [shard, region] of world.ecs) {
      const [accountId, regionName] = shard.split('/');
      searched.push({ accountId, region: regionName });
      for (const cluster of region.clusters.values()) {
        for (const service of cluster.services.values()) {
          const matches = query.filters.every(f =>
            service.tags.some(
              t => t.key === f.key && f.values.includes(t.value),
            ),
          );
          if (matches) serviceArns.push(service.arn);
        }
      }
    }
    return { serviceArns, searched };
  };
}

describe('examples/catalog.yaml', () => {
  const world = loadWorld(resolve(EXAMPLES, 'demo-scenario.yaml'));
  const entities = exampleEntities();
  const components = entities.filter(e => e.kind === 'Component');

  it('links every demo component to exactly one service of the scenario, of its name', async () => {
    expect(components.length).toBeGreaterThanOrEqual(10);
    const result = await EntityLinker.create({
      catalog: catalogServiceMock({ entities }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      // app-config.yaml lists the three accounts of the scenario under aws.accounts.
      accounts: {
        isKnown: id => world.accounts.has(id),
        regions: world.regions,
      },
      resolveTags: resolveTagsIn(world),
    }).linkAll();

    expect(result.errors).toEqual([]);
    expect(result.entitiesRead).toBe(components.length);
    const arnsInWorld = new Set(
      [...world.ecs.values()].flatMap(r =>
        [...r.clusters.values()].flatMap(c =>
          [...c.services.values()].map(s => s.arn),
        ),
      ),
    );
    for (const c of components) {
      const ref = `component:default/${c.metadata.name}`;
      const links = result.links.filter(l => l.entityRef === ref);
      expect({ ref, services: links.map(l => l.serviceName) }).toEqual({
        ref,
        services: [c.metadata.name],
      });
      expect(arnsInWorld.has(links[0].serviceArn)).toBe(true);
    }
    expect(
      result.links.filter(l => l.via === 'tags').map(l => l.entityRef),
    ).toEqual(['component:default/recommendations']);
  });
});

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

import { stringify } from 'yaml';
import { generateScenario } from './generate';
import { buildWorld } from './scenario/buildWorld';
import { parseScenarioYaml } from './scenario/load';

const NOW = new Date('2025-03-01T12:00:00Z');

describe('generateScenario', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const options = { services: 200, accounts: 3, regions: 2, images: 12 };
    const a = stringify(generateScenario({ ...options, seed: 'bench' }));
    expect(stringify(generateScenario({ ...options, seed: 'bench' }))).toBe(a);
    expect(stringify(generateScenario({ ...options, seed: 'other' }))).not.toBe(
      a,
    );
  });

  it('spreads services over accounts and regions, shares the image pool, and loads', () => {
    const document = generateScenario({
      services: 300,
      accounts: 4,
      regions: 3,
      images: 15,
      seed: 1,
    });
    const world = buildWorld(parseScenarioYaml(stringify(document)), NOW);
    const services = [...world.ecs.values()].flatMap(r =>
      [...r.clusters.values()].flatMap(c => [...c.services.values()]),
    );
    expect(services).toHaveLength(300);
    expect(
      new Set(services.map(s => `${s.cluster.account}/${s.cluster.region}`))
        .size,
    ).toBe(12);
    expect(world.images.size).toBe(15);
    expect(world.accounts.size).toBe(4);
    expect([...world.accounts.values()].filter(a => a.denyAccess)).toHaveLength(
      1,
    );
  });

  it('mixes healthy and broken services, each broken one with the stop reasons it would cause', () => {
    const document = generateScenario({
      services: 1000,
      accounts: 2,
      regions: 1,
      images: 20,
      seed: 3,
    });
    const world = buildWorld(document, NOW);
    const services = [...world.ecs.values()].flatMap(r =>
      [...r.clusters.values()].flatMap(c => [...c.services.values()]),
    );
    const tasks = [...world.ecs.values()].flatMap(r => [...r.tasks.values()]);
    const failing = new Set(
      tasks
        .filter(t => t.stopCode === 'TaskFailedToStart')
        .map(t => t.service!.name),
    );
    const healthyShare = (services.length - failing.size) / services.length;
    expect(healthyShare).toBeGreaterThan(0.6);
    expect(healthyShare).toBeLessThan(0.9);
    const reasons = tasks.map(t => t.stoppedReason ?? '');
    for (const expected of [
      "descriptor matching platform 'linux/amd64'",
      "number of layers and diffIDs don't match",
      'application/vnd.in-toto+json',
      'toomanyrequests',
      'mismatched image rootfs and manifest layers',
      ': not found',
    ]) {
      expect(reasons.some(r => r.includes(expected))).toBe(true);
    }
    // Running tasks of a moved tag still point at the deleted digest.
    const moved = services.find(
      s =>
        s.deployments[0].revision.containerImages[0].imageDigest &&
        !world.ecr
          .get(`${s.cluster.account}/${s.cluster.region}`)!
          .get(s.name)
          ?.content.resolve(
            s.deployments[0].revision.containerImages[0].imageDigest!,
          ),
    );
    expect(moved).toBeDefined();
  });

  it('gives every service the desired count asked for, and changes nothing else', () => {
    const options = {
      services: 400,
      accounts: 2,
      regions: 2,
      images: 20,
      seed: 5,
    };
    const drawn = generateScenario(options);
    const fixed = generateScenario({ ...options, tasksPerService: 3 });
    const services = (d: typeof drawn) =>
      d.clusters!.flatMap(c => c.services ?? []);
    expect(new Set(services(drawn).map(s => s.desiredCount)).size).toBe(3);
    expect(services(fixed).map(s => s.desiredCount)).toEqual(
      services(fixed).map(() => 3),
    );
    // Only the counts differ: the same stories, images and task definitions for the seed.
    const withoutCounts = (d: typeof drawn) =>
      stringify({
        ...d,
        clusters: d.clusters!.map(c => ({
          ...c,
          services: (c.services ?? []).map(s => ({
            ...s,
            desiredCount: 0,
            deployments: s.deployments!.map(dep => ({
              ...dep,
              runningCount: dep.runningCount ? 1 : 0,
            })),
          })),
        })),
      });
    expect(withoutCounts(fixed)).toBe(withoutCounts(drawn));

    const world = buildWorld(fixed, NOW);
    const tasks = [...world.ecs.values()].flatMap(r => [...r.tasks.values()]);
    const running = tasks.filter(t => t.lastStatus === 'RUNNING');
    const runningByService = new Map<string, number>();
    for (const t of running)
      runningByService.set(
        t.service!.name,
        (runningByService.get(t.service!.name) ?? 0) + 1,
      );
    expect(new Set(runningByService.values())).toEqual(new Set([3]));
    // Most services are healthy, so most run their three tasks.
    expect(runningByService.size).toBeGreaterThan(services(fixed).length * 0.6);
    expect(() => generateScenario({ ...options, tasksPerService: 0 })).toThrow(
      'tasksPerService must be a whole number ≥ 1',
    );
  });

  it('stays fast for thousands of services', () => {
    const started = Date.now();
    const world = buildWorld(
      generateScenario({
        services: 5000,
        accounts: 10,
        regions: 3,
        images: 40,
        seed: 7,
      }),
      NOW,
    );
    expect(
      [...world.ecs.values()].reduce(
        (n, r) =>
          n + [...r.clusters.values()].reduce((m, c) => m + c.services.size, 0),
        0,
      ),
    ).toBe(5000);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('rejects impossible sizes', () => {
    expect(() =>
      generateScenario({ services: 10, accounts: 0, regions: 1, images: 1 }),
    ).toThrow('accounts must be a whole number ≥ 1');
    expect(() =>
      generateScenario({ services: 10, accounts: 1, regions: 11, images: 1 }),
    ).toThrow('regions must be at most 10');
  });
});

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

import { readRepositoryPolicy, readRoles } from './access';
import { ImageCatalog } from './images';
import { alnumId, hexId, numericId, uuidFrom } from './ids';
import {
  AccountModel,
  ClusterModel,
  ContainerImageModel,
  ContainerInstanceModel,
  DeploymentModel,
  EcrRepositoryModel,
  EcsRegionModel,
  ecrHost,
  RegistryModel,
  regionKey,
  ServiceModel,
  Tag,
  TaskContainerModel,
  TaskModel,
  World,
} from './model';
import { Node } from './read';
import {
  canonicalHost,
  isRepositoryName,
  isTag,
  parseEcrHost,
  splitReference,
} from './reference';
import { isDigest, RepositoryContent } from './repository';
import { readLifecycleHooks, resolveReferenceNow } from './resolveNow';

const ACCOUNT_RE = /^\d{12}$/;
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;
const NAME_RE = /^[a-zA-Z0-9_-]{1,255}$/;
const MINUTE = 60_000;
const DAY = 86_400_000;
const STOPPED_TASK_RETENTION_MS = 3_600_000;
/** ECS agent and Docker versions of the container instances made for EC2 services. */
const DEFAULT_AGENT_VERSION = '1.89.2';
const DEFAULT_DOCKER_VERSION = 'DockerVersion: 25.0.8';

/** A reference without its tag and digest: `host/repo:tag@sha256:…` → `host/repo`. */
function imageName(reference: string): string {
  const split = splitReference(reference);
  return split.host ? `${split.host}/${split.repository}` : split.repository;
}

function tagsOf(node: Node): Tag[] {
  return Object.entries(node.stringMap()).map(([key, value]) => ({
    key,
    value,
  }));
}

class WorldBuilder {
  private readonly world: World;
  private readonly catalog: ImageCatalog;

  constructor(private readonly root: Node, now: Date) {
    if (root.isMissing) root.fail('the scenario is empty');
    root.object();
    this.catalog = new ImageCatalog(root.get('images'));
    this.world = {
      now,
      description: root.get('description').optString(),
      defaultAccount: '',
      defaultRegion: '',
      regions: [],
      accounts: new Map(),
      accountsByAccessKey: new Map(),
      ecs: new Map(),
      ecr: new Map(),
      registries: new Map(),
      serviceRevisions: new Map(),
      serviceDeployments: new Map(),
      images: new Map(),
      settings: {},
      clock: () => Date.now(),
    };
  }

  build(): World {
    this.readAccountsAndRegions();
    this.readSettings();
    for (const name of this.catalog.names()) {
      this.world.images.set(
        name,
        this.catalog.get(name, this.root.get('images')),
      );
    }
    this.root
      .get('ecr')
      .items()
      .forEach(r => this.readEcrRepository(r));
    this.root
      .get('registries')
      .items()
      .forEach(r => this.readRegistry(r));
    this.root
      .get('taskDefinitions')
      .items()
      .forEach(t => this.readTaskDefinition(t));
    this.root
      .get('clusters')
      .items()
      .forEach(c => this.readCluster(c));
    return this.world;
  }

  private get now(): Date {
    return this.world.now;
  }

  private readAccountsAndRegions() {
    const accounts = this.root.get('accounts').items();
    if (accounts.length === 0)
      this.root.get('accounts').fail('at least one account is needed');
    for (const a of accounts) {
      const id = a.get('id').string();
      if (!ACCOUNT_RE.test(id))
        a.get('id').fail(`'${id}' is not a 12-digit account id`);
      if (this.world.accounts.has(id))
        a.get('id').fail(`account ${id} is listed twice`);
      const account: AccountModel = {
        id,
        name: a.get('name').optString(),
        accessKeyId: a.get('accessKeyId').optString(),
        denyAccess: a.get('denyAccess').boolean(false),
        roleName: a.get('roleName').optString() ?? 'BackstageReadOnly',
        roles: readRoles(a.get('roles'), id),
      };
      this.world.accounts.set(id, account);
      if (account.accessKeyId) {
        if (this.world.accountsByAccessKey.has(account.accessKeyId)) {
          a.get('accessKeyId').fail(
            `access key ${account.accessKeyId} is used twice`,
          );
        }
        this.world.accountsByAccessKey.set(account.accessKeyId, account);
      }
    }
    const regions = this.root
      .get('regions')
      .items()
      .map(r => {
        const region = r.string();
        if (!REGION_RE.test(region))
          r.fail(`'${region}' is not a region like eu-west-1`);
        return region;
      });
    if (regions.length === 0)
      this.root.get('regions').fail('at least one region is needed');
    this.world.regions = regions;
    const defaults = this.root.get('defaults');
    this.world.defaultAccount = this.account(
      defaults.get('account'),
      accounts[0].get('id').string(),
    );
    this.world.defaultRegion = this.region(defaults.get('region'), regions[0]);
  }

  private readSettings() {
    const s = this.root.get('settings');
    const throttle = s.get('throttle');
    const retention = s.get('stoppedTaskRetention');
    this.world.settings = {
      // ECS shows a stopped task for about an hour (DescribeTasks: "Recently stopped tasks
      // might appear in the returned results"; aws/containers-roadmap#1246), so that is the
      // default; `forever` keeps them all, as the sandbox did before.
      stoppedTaskRetentionMs:
        retention.value === 'forever'
          ? undefined
          : retention.duration(STOPPED_TASK_RETENTION_MS),
      latencyMs: s.get('latencyMs').optNumber(),
      jitterMs: s.get('jitterMs').optNumber(),
      throttle: throttle.isMissing
        ? undefined
        : {
            rate: throttle.get('rate').number(),
            burst: throttle.get('burst').count(1),
          },
    };
  }

  /** An account id of the scenario (or the default). */
  private account(node: Node, fallback = this.world.defaultAccount): string {
    const id = node.optString() ?? fallback;
    if (!this.world.accounts.has(id))
      node.fail(`account ${id} is not in accounts:`);
    return id;
  }

  private region(node: Node, fallback = this.world.defaultRegion): string {
    const region = node.optString() ?? fallback;
    if (!this.world.regions.includes(region))
      node.fail(`region ${region} is not in regions:`);
    return region;
  }

  // ---------------------------------------------------------------- registries

  private pushImages(content: RepositoryContent, images: Node) {
    for (const entry of images.items()) {
      const imageNode = entry.get('image');
      const artifact = this.catalog.get(imageNode.string(), imageNode);
      if (entry.get('deleted').boolean(false)) continue;
      const missingBlobs = entry
        .get('missingBlobs')
        .items()
        .map(m => {
          const spec = m.string();
          if (
            spec !== 'config' &&
            !/^layer:\d+$/.test(spec) &&
            !isDigest(spec)
          ) {
            m.fail(`'${spec}' is not config, layer:<n> or a digest`);
          }
          return spec;
        });
      const tags = entry
        .get('tags')
        .items()
        .map(t => {
          const tag = t.string();
          if (!isTag(tag)) t.fail(`'${tag}' is not a valid tag`);
          return tag;
        });
      const pushedAt = entry
        .get('pushedAt')
        .time(this.now, new Date(this.now.getTime() - DAY));
      const error = content.push(artifact, {
        tags,
        pushedAt,
        lastPulledAt: entry.get('lastPulledAt').isMissing
          ? undefined
          : entry.get('lastPulledAt').time(this.now),
        status: entry
          .get('status')
          .oneOf(['ACTIVE', 'ARCHIVED', 'ACTIVATING'], 'ACTIVE'),
        archivedAt: entry.get('archivedAt').isMissing
          ? undefined
          : entry.get('archivedAt').time(this.now),
        missingBlobs,
      });
      if (error) entry.get('tags').fail(error);
    }
  }

  private readEcrRepository(r: Node) {
    const account = this.account(r.get('account'));
    const region = this.region(r.get('region'));
    const name = r.get('name').string();
    if (!isRepositoryName(name))
      r.get('name').fail(`'${name}' is not a valid repository name`);
    const key = regionKey(account, region);
    const repos =
      this.world.ecr.get(key) ?? new Map<string, EcrRepositoryModel>();
    this.world.ecr.set(key, repos);
    if (repos.has(name))
      r.get('name').fail(`repository ${name} is listed twice in ${key}`);

    const policy = r.get('lifecyclePolicy');
    let lifecyclePolicyText: string | undefined;
    if (typeof policy.value === 'string') {
      try {
        JSON.parse(policy.value);
      } catch (e) {
        policy.fail(`not valid JSON: ${(e as Error).message}`);
      }
      lifecyclePolicyText = policy.value;
    } else if (!policy.isMissing) {
      lifecyclePolicyText = JSON.stringify(policy.object());
    }
    const mutability = r
      .get('tagMutability')
      .oneOf(
        [
          'MUTABLE',
          'IMMUTABLE',
          'MUTABLE_WITH_EXCLUSION',
          'IMMUTABLE_WITH_EXCLUSION',
        ],
        'MUTABLE',
      );
    const filters = r
      .get('exclusionFilters')
      .items()
      .map(f => f.string());
    if (filters.length && !mutability.endsWith('_WITH_EXCLUSION')) {
      r.get('exclusionFilters').fail(
        'exclusion filters need a …_WITH_EXCLUSION tagMutability',
      );
    }
    const repositoryPolicy = readRepositoryPolicy(r.get('repositoryPolicy'));
    const content = new RepositoryContent();
    repos.set(name, {
      account,
      region,
      name,
      arn: `arn:aws:ecr:${region}:${account}:repository/${name}`,
      uri: `${ecrHost(account, region)}/${name}`,
      createdAt: r
        .get('createdAt')
        .time(this.now, new Date(this.now.getTime() - 365 * DAY)),
      tagMutability: mutability,
      exclusionFilters: filters.map(filter => ({
        filterType: 'WILDCARD',
        filter,
      })),
      lifecyclePolicyText,
      repositoryPolicyText: repositoryPolicy?.text,
      repositoryPolicy: repositoryPolicy?.statements,
      tags: tagsOf(r.get('tags')),
      content,
    });
    this.pushImages(content, r.get('images'));
  }

  private readRegistry(r: Node) {
    const host = canonicalHost(r.get('host').string());
    if (parseEcrHost(host))
      r.get('host').fail('ECR repositories go under ecr:, not registries:');
    if (this.world.registries.has(host))
      r.get('host').fail(`registry ${host} is listed twice`);
    const status = r.get('missingRepositoryStatus').optNumber() ?? 404;
    if (status !== 401 && status !== 404)
      r.get('missingRepositoryStatus').fail('expected 401 or 404');
    const registry: RegistryModel = {
      host,
      anonymousPullLimit: r.get('anonymousPullLimit').isMissing
        ? undefined
        : r.get('anonymousPullLimit').count(0),
      users: new Map(
        r
          .get('users')
          .items()
          .map(u => [u.get('username').string(), u.get('password').string()]),
      ),
      missingRepositoryStatus: status as 401 | 404,
      latencyMs: r.get('latency').duration(0),
      repositories: new Map(),
    };
    for (const repo of r.get('repositories').items()) {
      const name = repo.get('name').string();
      if (!isRepositoryName(name))
        repo.get('name').fail(`'${name}' is not a valid repository name`);
      if (registry.repositories.has(name))
        repo.get('name').fail(`repository ${name} is listed twice`);
      const content = new RepositoryContent();
      registry.repositories.set(name, {
        name,
        private: repo.get('private').boolean(false),
        content,
      });
      this.pushImages(content, repo.get('images'));
    }
    this.world.registries.set(host, registry);
  }

  // ---------------------------------------------------------------- references

  private digestOf(name: string, where: Node): string {
    return this.catalog.get(name, where).manifest.digest;
  }

  /**
   * Expands `@digest-of:<image>` and, for a reference without a registry whose repository is
   * an ECR repository of the account and region, prefixes the ECR host.
   */
  private expandImage(
    reference: string,
    account: string,
    region: string,
    where: Node,
  ): string {
    const expanded = reference.replace(
      /@digest-of:([^@\s]+)$/,
      (_, name: string) => `@${this.digestOf(name, where)}`,
    );
    const split = splitReference(expanded);
    if (
      !split.host &&
      this.world.ecr.get(regionKey(account, region))?.has(split.repository)
    ) {
      return `${ecrHost(account, region)}/${expanded}`;
    }
    return expanded;
  }

  /** The digest a reference resolves to in the scenario's registries now, if any. */
  private resolveNow(reference: string): string | undefined {
    return resolveReferenceNow(this.world, reference);
  }

  /**
   * Replaces the placeholders of a message: `{service}`, `{cluster}`, `{account}`, `{region}`,
   * `{deployment}`, `{task}`, `{image}`, `{image-name}` (the image without tag and digest),
   * `{digest}`, `{digest-of:<image>}` and
   * `{layer-digest-of:<image>:<n>}`. Other braces are left alone.
   */
  private expandText(
    text: string,
    vars: Record<string, string | undefined>,
    where: Node,
  ): string {
    return text.replace(
      /\{(service|cluster|account|region|deployment|task|image|image-name|digest|digest-of:[^{}\s]+|layer-digest-of:[^{}\s]+)\}/g,
      (_, key: string) => {
        if (key.startsWith('digest-of:'))
          return this.digestOf(key.slice(10), where);
        if (key.startsWith('layer-digest-of:')) {
          const [name, index] = key.slice(16).split(':');
          const image = this.catalog.get(name, where);
          const manifest = (image.children.length ? image.children[0] : image)
            .manifest.json;
          const layer = manifest.layers?.[Number(index ?? 0)];
          if (!layer) where.fail(`image ${name} has no layer ${index}`);
          return layer.digest;
        }
        const value =
          key === 'image-name' && vars.image !== undefined
            ? imageName(vars.image)
            : vars[key];
        if (value === undefined) where.fail(`{${key}} has no value here`);
        return value!;
      },
    );
  }

  // ---------------------------------------------------------------- ECS

  private ecsRegion(account: string, region: string): EcsRegionModel {
    const key = regionKey(account, region);
    let model = this.world.ecs.get(key);
    if (!model) {
      model = {
        clusters: new Map(),
        taskDefinitions: new Map(),
        tasks: new Map(),
      };
      this.world.ecs.set(key, model);
    }
    return model;
  }

  private readTaskDefinition(t: Node) {
    const account = this.account(t.get('account'));
    const region = this.region(t.get('region'));
    const family = t.get('family').string();
    if (!NAME_RE.test(family))
      t.get('family').fail(`'${family}' is not a valid family name`);
    const revision = t.get('revision').count(1);
    if (revision < 1) t.get('revision').fail('revisions start at 1');
    const ecs = this.ecsRegion(account, region);
    const key = `${family}:${revision}`;
    if (ecs.taskDefinitions.has(key))
      t.fail(`task definition ${key} is listed twice`);
    const arn = `arn:aws:ecs:${region}:${account}:task-definition/${key}`;

    const containerNodes = t.get('containers').items();
    if (containerNodes.length === 0)
      t.get('containers').fail('at least one container is needed');
    const containers = containerNodes.map(c => {
      const raw = { ...c.object() };
      const name = c.get('name').string();
      const image = this.expandImage(
        c.get('image').string(),
        account,
        region,
        c.get('image'),
      );
      const essential = c.get('essential').boolean(true);
      const credentials = c.get('repositoryCredentials');
      if (typeof credentials.value === 'string') {
        raw.repositoryCredentials = { credentialsParameter: credentials.value };
      }
      const consistency = c.get('versionConsistency');
      if (!consistency.isMissing) consistency.oneOf(['enabled', 'disabled']);
      return {
        name,
        image,
        essential,
        api: { ...raw, name, image, essential },
      };
    });
    const names = new Set<string>();
    for (const [i, c] of containers.entries()) {
      if (names.has(c.name))
        containerNodes[i]
          .get('name')
          .fail(`container ${c.name} is listed twice`);
      names.add(c.name);
    }

    const requires = t
      .get('requiresCompatibilities')
      .items()
      .map(r => r.oneOf(['FARGATE', 'EC2', 'EXTERNAL']));
    const compat = requires.length ? requires : ['FARGATE'];
    const networkMode =
      t.get('networkMode').optString() ??
      (compat.includes('FARGATE') ? 'awsvpc' : 'bridge');
    const runtime = t.get('runtimePlatform');
    const runtimePlatform = runtime.isMissing
      ? undefined
      : {
          ...(runtime.get('cpuArchitecture').isMissing
            ? {}
            : {
                cpuArchitecture: runtime
                  .get('cpuArchitecture')
                  .oneOf(['X86_64', 'ARM64']),
              }),
          ...(runtime.get('operatingSystemFamily').isMissing
            ? {}
            : {
                operatingSystemFamily: runtime
                  .get('operatingSystemFamily')
                  .string(),
              }),
        };
    const cpu =
      t.get('cpu').optString() ??
      (compat.includes('FARGATE') ? '256' : undefined);
    const memory =
      t.get('memory').optString() ??
      (compat.includes('FARGATE') ? '512' : undefined);
    const executionRoleArn =
      t.get('executionRoleArn').optString() ??
      `arn:aws:iam::${account}:role/ecsTaskExecutionRole`;
    const status = t.get('status').oneOf(['ACTIVE', 'INACTIVE'], 'ACTIVE');
    const usesEcr = containers.some(c =>
      parseEcrHost(splitReference(c.image).host ?? ''),
    );
    const api: Record<string, unknown> = {
      taskDefinitionArn: arn,
      containerDefinitions: containers.map(c => c.api),
      family,
      executionRoleArn,
      ...(t.get('taskRoleArn').isMissing
        ? {}
        : { taskRoleArn: t.get('taskRoleArn').string() }),
      networkMode,
      revision,
      volumes: [],
      status,
      requiresAttributes: [
        ...(usesEcr
          ? [
              { name: 'com.amazonaws.ecs.capability.ecr-auth' },
              { name: 'ecs.capability.execution-role-ecr-pull' },
            ]
          : []),
        ...(networkMode === 'awsvpc'
          ? [{ name: 'ecs.capability.task-eni' }]
          : []),
        { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
      ],
      placementConstraints: [],
      compatibilities: compat.includes('FARGATE') ? ['EC2', 'FARGATE'] : compat,
      ...(runtimePlatform ? { runtimePlatform } : {}),
      requiresCompatibilities: compat,
      ...(cpu ? { cpu } : {}),
      ...(memory ? { memory } : {}),
      registeredBy: `arn:aws:sts::${account}:assumed-role/deployer/ci`,
    };
    ecs.taskDefinitions.set(key, {
      arn,
      family,
      revision,
      account,
      region,
      status,
      registeredAt: t
        .get('registeredAt')
        .time(this.now, new Date(this.now.getTime() - 7 * DAY)),
      tags: tagsOf(t.get('tags')),
      containers: containers.map(({ name, image, essential }) => ({
        name,
        image,
        essential,
      })),
      api,
    });
  }

  private readCluster(c: Node) {
    const account = this.account(c.get('account'));
    const region = this.region(c.get('region'));
    const name = c.get('name').string();
    if (!NAME_RE.test(name))
      c.get('name').fail(`'${name}' is not a valid cluster name`);
    const ecs = this.ecsRegion(account, region);
    if (ecs.clusters.has(name))
      c.get('name').fail(`cluster ${name} is listed twice`);
    const cluster: ClusterModel = {
      name,
      arn: `arn:aws:ecs:${region}:${account}:cluster/${name}`,
      account,
      region,
      tags: tagsOf(c.get('tags')),
      services: new Map(),
      tasks: [],
      taskSeries: [],
      containerInstances: [],
    };
    ecs.clusters.set(name, cluster);
    this.readContainerInstances(c.get('containerInstances'), cluster);
    for (const s of c.get('services').items())
      this.readService(s, cluster, ecs);
    cluster.tasks.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    this.placeOnContainerInstances(cluster);
  }

  /** `containerInstances: [{count, agentVersion, dockerVersion, cpuArchitecture}]`. */
  private readContainerInstances(list: Node, cluster: ClusterModel) {
    for (const entry of list.items()) {
      const count = entry.get('count').count(1);
      const agentVersion =
        entry.get('agentVersion').optString() ?? DEFAULT_AGENT_VERSION;
      const docker = entry.get('dockerVersion').optString();
      const cpuArchitecture = entry
        .get('cpuArchitecture')
        .oneOf(['x86_64', 'arm64'], 'x86_64');
      const registeredAt = entry
        .get('registeredAt')
        .time(this.now, new Date(this.now.getTime() - 30 * DAY));
      for (let i = 0; i < count; i++) {
        this.addContainerInstance(cluster, {
          agentVersion,
          dockerVersion: docker
            ? `DockerVersion: ${docker.replace(/^DockerVersion:\s*/, '')}`
            : DEFAULT_DOCKER_VERSION,
          cpuArchitecture,
          registeredAt,
        });
      }
    }
  }

  private addContainerInstance(
    cluster: ClusterModel,
    spec: Pick<
      ContainerInstanceModel,
      'agentVersion' | 'dockerVersion' | 'cpuArchitecture' | 'registeredAt'
    >,
  ) {
    const n = cluster.containerInstances.length;
    const id = hexId(32, cluster.arn, 'container-instance', n);
    cluster.containerInstances.push({
      ...spec,
      id,
      arn: `arn:aws:ecs:${cluster.region}:${cluster.account}:container-instance/${cluster.name}/${id}`,
      ec2InstanceId: `i-0${hexId(16, cluster.arn, 'ec2', n)}`,
    });
  }

  /**
   * EC2 tasks run on a container instance: a cluster with EC2 services and no
   * `containerInstances` gets two hosts with the default agent and Docker versions.
   */
  private placeOnContainerInstances(cluster: ClusterModel) {
    const onEc2 = (t: TaskModel) => t.service?.launchType === 'EC2';
    const needed =
      cluster.tasks.some(onEc2) ||
      cluster.taskSeries.some(s => s.service.launchType === 'EC2');
    if (needed && cluster.containerInstances.length === 0) {
      for (let i = 0; i < 2; i++) {
        this.addContainerInstance(cluster, {
          agentVersion: DEFAULT_AGENT_VERSION,
          dockerVersion: DEFAULT_DOCKER_VERSION,
          cpuArchitecture: 'x86_64',
          registeredAt: new Date(this.now.getTime() - 30 * DAY),
        });
      }
    }
    const hosts = cluster.containerInstances;
    if (hosts.length === 0) return;
    const place = (t: TaskModel) => {
      t.containerInstance =
        hosts[parseInt(t.id.slice(0, 4), 16) % hosts.length];
    };
    cluster.tasks.filter(onEc2).forEach(place);
    for (const series of cluster.taskSeries) {
      if (series.service.launchType !== 'EC2') continue;
      const make = series.make;
      series.make = k => {
        const task = make(k);
        if (!task.containerInstance) place(task);
        return task;
      };
    }
  }

  private readService(s: Node, cluster: ClusterModel, ecs: EcsRegionModel) {
    const name = s.get('name').string();
    if (!NAME_RE.test(name))
      s.get('name').fail(`'${name}' is not a valid service name`);
    if (cluster.services.has(name))
      s.get('name').fail(`service ${name} is listed twice`);
    const arn = `arn:aws:ecs:${cluster.region}:${cluster.account}:service/${cluster.name}/${name}`;
    const strategyNode = s.get('capacityProviderStrategy');
    const capacityProviderStrategy = strategyNode.isMissing
      ? undefined
      : strategyNode.items().map(item => ({
          capacityProvider: item.get('capacityProvider').string(),
          weight: item.get('weight').count(1),
          base: item.get('base').count(0),
        }));
    if (capacityProviderStrategy && !s.get('launchType').isMissing) {
      // CreateService: "If a capacityProviderStrategy is specified, the launchType parameter
      // must be omitted."
      s.get('launchType').fail(
        'a service has a launchType or a capacityProviderStrategy, not both',
      );
    }
    if (capacityProviderStrategy?.length === 0)
      strategyNode.fail('at least one capacity provider is needed');
    const launchType = capacityProviderStrategy
      ? undefined
      : s.get('launchType').oneOf(['FARGATE', 'EC2', 'EXTERNAL'], 'FARGATE');
    const onFargate =
      launchType === 'FARGATE' ||
      !!capacityProviderStrategy?.every(p =>
        p.capacityProvider.startsWith('FARGATE'),
      );
    const breaker = s.get('circuitBreaker');
    const service: ServiceModel = {
      name,
      arn,
      cluster,
      launchType,
      ...(capacityProviderStrategy ? { capacityProviderStrategy } : {}),
      platformVersion:
        s.get('platformVersion').optString() ??
        (onFargate ? 'LATEST' : undefined),
      desiredCount: s.get('desiredCount').count(1),
      createdAt: s
        .get('createdAt')
        .time(this.now, new Date(this.now.getTime() - 90 * DAY)),
      tags: tagsOf(s.get('tags')),
      circuitBreaker: {
        enable: breaker.get('enable').boolean(true),
        rollback: breaker.get('rollback').boolean(true),
      },
      deployments: [],
      events: [],
      lifecycleHooks: readLifecycleHooks(s.get('lifecycleHooks')),
    };
    if (onFargate) {
      service.networkConfiguration = {
        awsvpcConfiguration: {
          subnets: [
            `subnet-0${hexId(16, arn, 'a')}`,
            `subnet-0${hexId(16, arn, 'b')}`,
          ],
          securityGroups: [`sg-0${hexId(16, arn, 'sg')}`],
          assignPublicIp: 'DISABLED',
        },
      };
    }
    cluster.services.set(name, service);

    const deploymentNodes = s.get('deployments').items();
    if (deploymentNodes.length === 0)
      s.get('deployments').fail('at least one deployment is needed');
    const deployments = deploymentNodes.map((d, i) =>
      this.readDeployment(d, i, service, ecs),
    );
    if (deployments.filter(d => d.status === 'PRIMARY').length !== 1) {
      s.get('deployments').fail('exactly one deployment must be PRIMARY');
    }
    // Each deployment replaced the one created before it.
    const byAge = [...deployments].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime(),
    );
    byAge.forEach((d, i) => {
      if (i > 0) d.serviceDeployment.sources.push(byAge[i - 1].revision);
    });
    deployments.forEach((d, i) => {
      const sd = d.serviceDeployment;
      if (
        sd.status === 'ROLLBACK_SUCCESSFUL' &&
        sd.sources.length === 0 &&
        deploymentNodes[i].get('serviceDeploymentStatus').isMissing
      ) {
        // A rollback needs an earlier service revision: the first deployment of a service has
        // none to return to.
        sd.status = 'ROLLBACK_FAILED';
        sd.statusReason =
          'Service deployment failed: the circuit breaker threshold was exceeded and there is no earlier service revision to roll back to.';
      }
    });
    service.deployments = [...byAge].reverse();
    const primaryIndex = deployments.findIndex(d => d.status === 'PRIMARY');

    deployments.forEach((d, i) =>
      this.startRunningTasks(service, d, deploymentNodes[i], ecs),
    );
    for (const st of s.get('stoppedTasks').items()) {
      const index = st.get('deployment').count(primaryIndex);
      if (index >= deployments.length)
        st.get('deployment').fail(`there is no deployment ${index}`);
      this.addStoppedTasks(st, service, deployments[index], ecs);
    }

    const events = s.get('events');
    if (events.isMissing) {
      const primary = deployments[primaryIndex];
      if (primary.rolloutState === 'COMPLETED') {
        service.events.push(
          {
            id: uuidFrom(arn, 'event', 'steady'),
            createdAt: new Date(
              Math.min(
                this.now.getTime(),
                primary.updatedAt.getTime() + 6 * 3_600_000,
              ),
            ),
            message: `(service ${name}) has reached a steady state.`,
          },
          {
            id: uuidFrom(arn, 'event', 'completed'),
            createdAt: primary.updatedAt,
            message: `(service ${name}) (deployment ${primary.id}) deployment completed.`,
          },
        );
      }
    }
    events.items().forEach((e, i) => {
      const index = e.get('deployment').count(primaryIndex);
      if (index >= deployments.length)
        e.get('deployment').fail(`there is no deployment ${index}`);
      const deployment = deployments[index];
      const first = deployment.revision.containerImages[0];
      service.events.push({
        id: uuidFrom(arn, 'event', i),
        createdAt: e.get('at').time(this.now),
        message: this.expandText(
          e.get('message').string(),
          {
            ...this.vars(service, deployment),
            task: hexId(32, arn, 'event-task', i),
            image: first?.image,
            digest: first?.imageDigest,
          },
          e.get('message'),
        ),
      });
    });
    service.events.sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime(),
    );
  }

  private vars(service: ServiceModel, deployment: DeploymentModel) {
    return {
      service: service.name,
      cluster: service.cluster.name,
      account: service.cluster.account,
      region: service.cluster.region,
      deployment: deployment.id,
    };
  }

  private readDeployment(
    d: Node,
    index: number,
    service: ServiceModel,
    ecs: EcsRegionModel,
  ): DeploymentModel {
    const tdNode = d.get('taskDefinition');
    const taskDefinition = ecs.taskDefinitions.get(tdNode.string());
    if (!taskDefinition) {
      tdNode.fail(
        `no task definition ${tdNode.value} in ${regionKey(
          service.cluster.account,
          service.cluster.region,
        )} (write family:revision)`,
      );
    }
    const status = d
      .get('status')
      .oneOf(
        ['PRIMARY', 'ACTIVE', 'INACTIVE'],
        index === 0 ? 'PRIMARY' : 'INACTIVE',
      );
    const rolloutState = d
      .get('rolloutState')
      .oneOf(['COMPLETED', 'IN_PROGRESS', 'FAILED'], 'COMPLETED');
    const createdAt = d
      .get('createdAt')
      .time(this.now, new Date(this.now.getTime() - (index + 1) * DAY));
    const updatedAt = d
      .get('updatedAt')
      .time(
        this.now,
        rolloutState === 'IN_PROGRESS'
          ? new Date(Math.max(createdAt.getTime(), this.now.getTime() - MINUTE))
          : new Date(
              Math.min(this.now.getTime(), createdAt.getTime() + 6 * MINUTE),
            ),
      );
    const id = `ecs-svc/${numericId(19, service.arn, 'deployment', index)}`;
    const desiredCount = d
      .get('desiredCount')
      .count(status === 'PRIMARY' ? service.desiredCount : 0);
    const runningCount = d
      .get('runningCount')
      .count(
        status === 'PRIMARY' && rolloutState === 'COMPLETED' ? desiredCount : 0,
      );

    const resolvedNode = d.get('resolvedImages');
    const resolved = new Map<string, string>();
    for (const [container, value] of resolvedNode.entries()) {
      if (!taskDefinition!.containers.some(c => c.name === container)) {
        value.fail(
          `task definition ${taskDefinition!.family}:${
            taskDefinition!.revision
          } has no container ${container}`,
        );
      }
      const v = value.string();
      resolved.set(
        container,
        isDigest(v) ? v : this.digestOf(v.replace(/^digest-of:/, ''), value),
      );
    }
    const containerImages: ContainerImageModel[] =
      taskDefinition!.containers.map(c => ({
        containerName: c.name,
        image: c.image,
        imageDigest: resolved.get(c.name) ?? this.resolveNow(c.image),
      }));
    if (runningCount > 0) {
      const unresolved = containerImages.find(c => !c.imageDigest);
      if (unresolved) {
        d.fail(
          `has running tasks but ${unresolved.image} (container ${unresolved.containerName}) does not resolve in the scenario; push it or set resolvedImages`,
        );
      }
    }

    const revisionArn = `arn:aws:ecs:${service.cluster.region}:${
      service.cluster.account
    }:service-revision/${service.cluster.name}/${service.name}/${numericId(
      19,
      service.arn,
      'revision',
      index,
    )}`;
    const revision = {
      arn: revisionArn,
      service,
      taskDefinition: taskDefinition!,
      createdAt,
      containerImages,
    };
    const defaultStatus = {
      COMPLETED: 'SUCCESSFUL',
      IN_PROGRESS: 'IN_PROGRESS',
      FAILED: service.circuitBreaker.rollback
        ? 'ROLLBACK_SUCCESSFUL'
        : 'STOPPED',
    }[rolloutState];
    const sdStatus =
      d.get('serviceDeploymentStatus').optString() ?? defaultStatus;
    const serviceDeployment = {
      arn: `arn:aws:ecs:${service.cluster.region}:${
        service.cluster.account
      }:service-deployment/${service.cluster.name}/${service.name}/${alnumId(
        22,
        service.arn,
        'service-deployment',
        index,
      )}`,
      service,
      target: revision,
      sources: [],
      createdAt,
      startedAt: createdAt,
      finishedAt: rolloutState === 'IN_PROGRESS' ? undefined : updatedAt,
      status: sdStatus,
      statusReason:
        rolloutState === 'FAILED'
          ? 'Service deployment rolled back because the circuit breaker threshold was exceeded.'
          : undefined,
    };
    const defaultReason = {
      COMPLETED: `ECS deployment ${id} completed.`,
      IN_PROGRESS: `ECS deployment ${id} in progress.`,
      FAILED: 'ECS deployment circuit breaker: tasks failed to start.',
    }[rolloutState];
    const deployment: DeploymentModel = {
      id,
      status,
      taskDefinition: taskDefinition!,
      rolloutState,
      rolloutStateReason:
        d.get('rolloutStateReason').optString() ?? defaultReason,
      createdAt,
      updatedAt,
      desiredCount,
      runningCount,
      pendingCount: d.get('pendingCount').count(0),
      // Deployment.failedTasks: "Once a service deployment has one or more successfully running
      // tasks, the failed task count resets to zero and stops being evaluated."
      failedTasks: runningCount > 0 ? 0 : d.get('failedTasks').count(0),
      revision,
      serviceDeployment,
    };
    this.world.serviceRevisions.set(revisionArn, revision);
    this.world.serviceDeployments.set(serviceDeployment.arn, serviceDeployment);
    return deployment;
  }

  private newTask(
    service: ServiceModel,
    deployment: DeploymentModel,
    seed: string,
    createdAt: Date,
    ecs: EcsRegionModel,
    register = true,
  ): TaskModel {
    const { cluster } = service;
    const id = hexId(32, service.arn, deployment.id, seed);
    const arn = `arn:aws:ecs:${cluster.region}:${cluster.account}:task/${cluster.name}/${id}`;
    const zones = ['a', 'b', 'c'];
    const task: TaskModel = {
      id,
      arn,
      cluster,
      service,
      deployment,
      taskDefinition: deployment.taskDefinition,
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      createdAt,
      availabilityZone: `${cluster.region}${
        zones[parseInt(id.slice(0, 2), 16) % 3]
      }`,
      containers: deployment.revision.containerImages.map(ci => ({
        name: ci.containerName,
        image: ci.image,
        imageDigest: ci.imageDigest,
        lastStatus: 'RUNNING',
        containerArn: `arn:aws:ecs:${cluster.region}:${
          cluster.account
        }:container/${cluster.name}/${id}/${uuidFrom(id, ci.containerName)}`,
        runtimeId: `${id}-${hexId(10, id, ci.containerName)}`,
      })),
    };
    if (service.capacityProviderStrategy) {
      // Tasks are spread over the strategy by weight (after each provider's base).
      const providers = service.capacityProviderStrategy.flatMap(p =>
        Array<string>(Math.max(1, p.weight)).fill(p.capacityProvider),
      );
      task.capacityProviderName =
        providers[parseInt(id.slice(2, 6), 16) % providers.length];
    }
    if (register) {
      cluster.tasks.push(task);
      ecs.tasks.set(arn, task);
    }
    return task;
  }

  private startRunningTasks(
    service: ServiceModel,
    deployment: DeploymentModel,
    d: Node,
    ecs: EcsRegionModel,
  ) {
    if (deployment.runningCount > 0 && deployment.status === 'INACTIVE') {
      d.get('runningCount').fail('an INACTIVE deployment has no running tasks');
    }
    for (let i = 0; i < deployment.runningCount; i++) {
      const createdAt = new Date(
        Math.min(
          this.now.getTime(),
          deployment.createdAt.getTime() + MINUTE + i * 10_000,
        ),
      );
      const task = this.newTask(
        service,
        deployment,
        `running-${i}`,
        createdAt,
        ecs,
      );
      task.pullStartedAt = new Date(createdAt.getTime() + 5_000);
      task.pullStoppedAt = new Date(createdAt.getTime() + 20_000);
      task.startedAt = new Date(createdAt.getTime() + 30_000);
    }
  }

  private addStoppedTasks(
    st: Node,
    service: ServiceModel,
    deployment: DeploymentModel,
    ecs: EcsRegionModel,
  ) {
    const count = st.get('count').count(1);
    const every = st.get('every').duration(5 * MINUTE);
    const at = st.get('at').time(this.now);
    const stopCode = st.get('stopCode').optString();
    const reasonNode = st.get('stoppedReason');
    const reasonTemplate = reasonNode.string();
    const containerReasons = st.get('containers');
    for (const [name, c] of containerReasons.entries()) {
      if (
        !deployment.revision.containerImages.some(
          ci => ci.containerName === name,
        )
      ) {
        c.fail(`the task definition has no container ${name}`);
      }
    }
    const defaultContainer =
      deployment.taskDefinition.containers.find(c => c.essential) ??
      deployment.taskDefinition.containers[0];
    const seedBase = st.path;
    const repeat = st.get('repeat').boolean(false);
    if (repeat && deployment.runningCount >= deployment.desiredCount) {
      st.get('repeat').fail(
        'only a deployment short of its desired count keeps starting tasks',
      );
    }
    // Task k stops at `at + k * every`: k = 0, -1… are the history at start-up.
    const make = (k: number, register: boolean) => {
      const stoppedAt = new Date(at.getTime() + k * every);
      const task = this.newTask(
        service,
        deployment,
        `${seedBase}-${-k}`,
        new Date(stoppedAt.getTime() - 2 * MINUTE),
        ecs,
        register,
      );
      const vars = (container: string) => {
        const ci = deployment.revision.containerImages.find(
          i => i.containerName === container,
        );
        return {
          ...this.vars(service, deployment),
          task: task.id,
          image: ci?.image,
          digest: ci?.imageDigest,
        };
      };
      const stoppedReason = this.expandText(
        reasonTemplate,
        vars(defaultContainer.name),
        reasonNode,
      );
      const failedToStart = stopCode === 'TaskFailedToStart';
      task.lastStatus = 'STOPPED';
      task.desiredStatus = 'STOPPED';
      task.stopCode = stopCode;
      task.stoppedReason = stoppedReason;
      task.pullStartedAt = new Date(stoppedAt.getTime() - 90_000);
      if (!failedToStart) {
        task.pullStoppedAt = new Date(stoppedAt.getTime() - 80_000);
        task.startedAt = new Date(stoppedAt.getTime() - 60_000);
      }
      task.stoppingAt = new Date(stoppedAt.getTime() - 5_000);
      task.stoppedAt = stoppedAt;
      task.containers = task.containers.map((c): TaskContainerModel => {
        const given = containerReasons.get(c.name);
        let reason = given.get('reason').optString();
        if (reason)
          reason = this.expandText(reason, vars(c.name), given.get('reason'));
        else if (
          containerReasons.isMissing &&
          c.name === defaultContainer.name &&
          /^Cannot(Pull|Start)ContainerError/.test(stoppedReason)
        ) {
          reason = stoppedReason;
        }
        const exitCode = given.get('exitCode').optNumber();
        return {
          ...c,
          lastStatus: 'STOPPED',
          imageDigest: failedToStart ? undefined : c.imageDigest,
          runtimeId: failedToStart ? undefined : c.runtimeId,
          ...(reason ? { reason } : {}),
          ...(exitCode !== undefined ? { exitCode } : {}),
        };
      });
      return task;
    };
    if (!repeat) {
      for (let k = 0; k < count; k++) make(-k, true);
      return;
    }
    // Made now so that a bad template fails at load, not at the first request.
    const cache = new Map<number, TaskModel>([[0, make(0, false)]]);
    service.cluster.taskSeries.push({
      service,
      deployment,
      at,
      everyMs: every,
      first: 1 - count,
      make: k => {
        let task = cache.get(k);
        if (!task) {
          task = make(k, false);
          cache.set(k, task);
        }
        return task;
      },
      event: k => {
        const task = cache.get(k) ?? make(k, false);
        return {
          id: uuidFrom(service.arn, 'event', seedBase, k),
          createdAt: task.createdAt,
          message: `(service ${service.name}) has started 1 tasks: (task ${task.id}).`,
        };
      },
    });
  }
}

/**
 * Builds the world from a parsed scenario document (see docs/sandbox.md). Throws a
 * ScenarioError naming the offending path when the document is invalid.
 */
export function buildWorld(document: unknown, now: Date = new Date()): World {
  return new WorldBuilder(new Node(document, ''), now).build();
}

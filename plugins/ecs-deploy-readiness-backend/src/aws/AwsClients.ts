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

import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient, ECSClientConfig } from '@aws-sdk/client-ecs';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';

/** Calls made, by API: `{ "ecs:DescribeServices": 12 }`. */
export type CallCounts = Record<string, number>;

/** Options of the {@link AwsClients} constructor. */
export interface AwsClientsOptions {
  /** Where credentials for each account come from. */
  credentialsManager: AwsCredentialsManager;
  logger?: LoggerService;
  /**
   * Send every ECS, ECR and tagging call here (`ecsDeployReadiness.aws.endpoint`): only for
   * local stand-ins such as ecs-sandbox.
   */
  endpoint?: string;
  /**
   * Attempts per call, retries included (default 5: a background audit can wait for a throttled
   * API rather than lose the service's refresh; the SDK's default is 3).
   */
  maxAttempts?: number;
}

type Service = 'ecs' | 'ecr' | 'tag';

/** What the call counter needs of a client: its middleware stack, for any of the three. */
interface CountableClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: any) => Promise<any>,
        context: { commandName?: string },
      ) => (args: any) => Promise<any>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

/**
 * The plugin's AWS SDK clients: one per service, account and region, created on first use and
 * reused, with credentials from `@backstage/integration-aws-node` (`aws.mainAccount`,
 * `aws.accountDefaults`, `aws.accounts[]`) and the SDK's adaptive retry mode, which slows the
 * client down when AWS throttles it. Every call is counted by API for the audit-run record.
 */
export class AwsClients {
  private readonly credentialsManager: AwsCredentialsManager;
  private readonly logger?: LoggerService;
  private readonly endpoint?: string;
  private readonly maxAttempts: number;
  private readonly clients = new Map<string, unknown>();
  private readonly known = new Map<string, Promise<boolean>>();
  private readonly counts = new Map<string, number>();

  /**
   * Reads the `aws` section (integration-aws-node), `ecsDeployReadiness.aws.endpoint` and
   * `ecsDeployReadiness.aws.maxAttempts`.
   */
  static create(options: { config: Config; logger?: LoggerService }) {
    const { config, logger } = options;
    return new AwsClients({
      credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
      logger,
      endpoint: config.getOptionalString('ecsDeployReadiness.aws.endpoint'),
      maxAttempts: config.getOptionalNumber(
        'ecsDeployReadiness.aws.maxAttempts',
      ),
    });
  }

  constructor(options: AwsClientsOptions) {
    this.credentialsManager = options.credentialsManager;
    this.logger = options.logger;
    this.endpoint = options.endpoint;
    this.maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new Error(
        `ecsDeployReadiness.aws.maxAttempts must be a whole number >= 1, got ${this.maxAttempts}`,
      );
    }
  }

  /** The ECS client of an account and region. */
  ecs(accountId: string, region: string): ECSClient {
    return this.client('ecs', accountId, region, c => new ECSClient(c));
  }

  /** The ECR client of an account and region. */
  ecr(accountId: string, region: string): ECRClient {
    return this.client('ecr', accountId, region, c => new ECRClient(c));
  }

  /** The resource groups tagging API client of an account and region. */
  tagging(accountId: string, region: string): ResourceGroupsTaggingAPIClient {
    return this.client(
      'tag',
      accountId,
      region,
      c => new ResourceGroupsTaggingAPIClient(c),
    );
  }

  /** Calls made so far, by API (`ecs:DescribeServices`); retries are not counted again. */
  calls(): CallCounts {
    return Object.fromEntries(
      [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)),
    );
  }

  /**
   * Whether the AWS integration has credentials for the account: it is in `aws.accounts[]`,
   * `aws.accountDefaults.roleName` lets any account be assumed, or it is the main account's own
   * (which integration-aws-node finds with STS GetCallerIdentity). Nothing is assumed here.
   */
  isKnown(accountId: string): Promise<boolean> {
    let known = this.known.get(accountId);
    if (!known) {
      known = this.credentialsManager.getCredentialProvider({ accountId }).then(
        () => true,
        error => {
          this.logger?.debug(
            `No AWS credentials for account ${accountId}: ${error}`,
          );
          return false;
        },
      );
      this.known.set(accountId, known);
    }
    return known;
  }

  private client<T extends CountableClient>(
    service: Service,
    accountId: string,
    region: string,
    make: (config: ECSClientConfig) => T,
  ): T {
    const key = `${service}:${accountId}:${region}`;
    const existing = this.clients.get(key);
    if (existing) {
      return existing as T;
    }
    const client = make({
      region,
      retryMode: 'adaptive',
      maxAttempts: this.maxAttempts,
      ...(this.endpoint ? { endpoint: this.endpoint } : {}),
      // Resolved on the first call, so making a client never fails; the SDK caches the
      // credentials it gets until they expire.
      credentials: async () => {
        const provider = await this.credentialsManager.getCredentialProvider({
          accountId,
        });
        return provider.sdkCredentialProvider();
      },
    });
    this.countCalls(client, service);
    this.clients.set(key, client);
    return client;
  }

  private countCalls(client: CountableClient, service: Service) {
    client.middlewareStack.add(
      (next, context) => args => {
        const command = (context.commandName ?? 'Unknown').replace(
          /Command$/,
          '',
        );
        const api = `${service}:${command}`;
        this.counts.set(api, (this.counts.get(api) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'ecsDeployReadinessCallCounter' },
    );
  }
}

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

/**
 * A local stand-in for the Amazon ECS, Amazon ECR and resource tagging APIs and for OCI
 * registries, driven by a scenario file, for development, demos, tests and benchmarks.
 *
 * @packageDocumentation
 */

export { startSandbox } from './server/sandbox';
export type { Sandbox, SandboxOptions } from './server/sandbox';
export type { ThrottleOptions, ThrottleRule } from './server/throttle';
export type {
  LifecycleHookContext,
  LifecycleHookHandler,
  LifecycleHookOptions,
} from './server/deployments';
export {
  loadWorld,
  parseScenarioYaml,
  readScenarioFile,
} from './scenario/load';
export { ScenarioError } from './scenario/read';
export type * from './scenario/types';
export type * from './scenario/model';
export { generateScenario } from './generate';
export type { GenerateOptions } from './generate';
export { sandboxAppConfig, sandboxAppConfigYaml } from './appConfig';
export type {
  SandboxAccountAccess,
  SandboxAppConfig,
  SandboxAwsAccountConfig,
} from './appConfig';
export { main } from './cli';

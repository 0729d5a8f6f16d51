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
 * The ECS deploy readiness deployment gate: an Amazon ECS deployment lifecycle hook (AWS
 * Lambda, `PRE_SCALE_UP`) that checks the images a new service revision will pull and answers
 * `FAILED`, so that ECS rolls the deployment back, when one of them cannot be pulled or started.
 *
 * Deploy the bundle (`yarn workspace @ecs-readiness/ecs-deploy-gate bundle`), whose
 * `index.handler` is {@link handler}; embed or test the gate with {@link createGateHandler}.
 *
 * @packageDocumentation
 */

export { createGateHandler, configFromEnv } from './gate';
export type { GateContext, GateHandler, GateOptions } from './gate';
export { readGateConfig } from './config';
export type { GateConfig, UnverifiablePolicy } from './config';
export type { HookEvent, LifecycleStage } from './event';
export type { GateLogger } from './log';
export type { GateDecisionReport } from './report';
export type { GateDecision, HookResponse, NamedFinding } from './response';
export type { SecretReader } from './credentials';
export { handler } from './lambda';

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

/*
 * The Lambda entry point (`index.handler` in the bundle): the gate configured from the
 * function's environment variables, built once per execution environment so that warm
 * invocations reuse the AWS SDK clients.
 */

import { configFromEnv, createGateHandler } from './gate';

/**
 * The Lambda handler (`index.handler`), configured from the function's environment.
 *
 * @public
 */
export const handler = createGateHandler({
  config: configFromEnv(process.env),
});

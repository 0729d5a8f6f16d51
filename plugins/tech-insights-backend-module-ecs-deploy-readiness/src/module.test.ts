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

import { startTestBackend } from '@backstage/backend-test-utils';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import techInsightsModuleEcsDeployReadiness from '.';

describe('techInsightsModuleEcsDeployReadiness', () => {
  it('adds the retriever under its id, the key tech-insights reads its cadence from', async () => {
    const addFactRetrievers = jest.fn();

    await startTestBackend({
      extensionPoints: [
        [techInsightsFactRetrieversExtensionPoint, { addFactRetrievers }],
      ],
      features: [techInsightsModuleEcsDeployReadiness],
    });

    expect(addFactRetrievers).toHaveBeenCalledTimes(1);
    const [retrievers] = addFactRetrievers.mock.calls[0];
    expect(Object.keys(retrievers)).toEqual([
      'ecsDeployReadinessFactRetriever',
    ]);
    expect(retrievers.ecsDeployReadinessFactRetriever).toMatchObject({
      id: 'ecsDeployReadinessFactRetriever',
      handler: expect.any(Function),
    });
  });
});

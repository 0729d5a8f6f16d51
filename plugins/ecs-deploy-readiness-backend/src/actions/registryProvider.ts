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

import { InputError } from '@backstage/errors';
import {
  type DocumentCache,
  type ImageInspection,
  ImageInspector,
  type InspectImageRequest,
  InvalidRequestError,
} from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-node';
import { createRegistryClientProvider } from '../lib/registryClientProvider';
import type { AwsClients } from '../aws';
import type { ReadinessConfig } from '../config';

/**
 * Inspects one image for the `check-image` action: registry clients for the call, the audit's
 * document cache (manifests and configs by digest) and inspection deadline. A platform the
 * engine cannot parse is the caller's mistake (`InputError`).
 */
export function createImageInspection(options: {
  config: ReadinessConfig;
  clients: AwsClients;
  documentCache?: DocumentCache;
}): (request: InspectImageRequest) => Promise<ImageInspection> {
  const { inspectionDeadlineMs } = options.config.registries;
  return async request => {
    const provider = createRegistryClientProvider(options);
    const inspector = ImageInspector.create({
      registryClientProvider: provider,
      ...(options.documentCache && { documentCache: options.documentCache }),
      ...(inspectionDeadlineMs && { inspectionDeadlineMs }),
    });
    try {
      return await inspector.inspectImage(request);
    } catch (error) {
      if (error instanceof InvalidRequestError) {
        throw new InputError(error.message);
      }
      throw error;
    } finally {
      provider.close?.();
    }
  };
}

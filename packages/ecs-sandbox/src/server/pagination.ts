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

import { createHash } from 'crypto';
import { AwsApiError } from './awsJson';
import { Signer } from './signing';

export interface PageRequest {
  nextToken?: unknown;
  maxResults?: unknown;
  /** Page size when maxResults is not given. */
  defaultSize: number;
  /** Largest maxResults AWS accepts. */
  maxSize: number;
  /** Identity of the query (operation and filters): a token is only valid for the same query. */
  query: unknown;
  /** Name of the size parameter, for messages. */
  sizeName?: string;
}

/**
 * One page of a list, with an opaque, signed `nextToken` for the rest. A token from another
 * query, or a made-up one, answers InvalidParameterException as AWS does.
 */
export function paginate<T>(
  items: T[],
  request: PageRequest,
  signer: Signer,
): { page: T[]; nextToken?: string } {
  const sizeName = request.sizeName ?? 'maxResults';
  let size = request.defaultSize;
  if (request.maxResults !== undefined && request.maxResults !== null) {
    const n = request.maxResults;
    if (
      typeof n !== 'number' ||
      !Number.isInteger(n) ||
      n < 1 ||
      n > request.maxSize
    ) {
      throw new AwsApiError(
        'InvalidParameterException',
        `${sizeName} must be between 1 and ${request.maxSize}.`,
      );
    }
    size = n;
  }
  const query = createHash('sha256')
    .update(JSON.stringify(request.query ?? null))
    .digest('base64url');
  let offset = 0;
  if (
    request.nextToken !== undefined &&
    request.nextToken !== null &&
    request.nextToken !== ''
  ) {
    const payload =
      typeof request.nextToken === 'string'
        ? signer.verify<{ o: number; q: string }>(request.nextToken)
        : undefined;
    if (!payload || payload.q !== query || typeof payload.o !== 'number') {
      throw new AwsApiError(
        'InvalidParameterException',
        'The nextToken is not valid.',
      );
    }
    offset = payload.o;
  }
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return {
    page,
    nextToken:
      next < items.length ? signer.sign({ o: next, q: query }) : undefined,
  };
}

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

import { randomUUID } from 'crypto';
import { IncomingMessage, ServerResponse } from 'http';
import { World } from '../scenario/model';
import { Principal } from '../scenario/policy';
import {
  EXPIRED_TOKEN_MESSAGE,
  identify,
  INVALID_TOKEN_MESSAGE,
} from './identity';
import { Signer } from './signing';
import { Throttler } from './throttle';

/**
 * An AWS error as the JSON protocols send it: `{"__type": type, "message": …}` with the status
 * and the `x-amzn-ErrorType` header, so the SDK raises its exception class of that name.
 */
export class AwsApiError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
    this.name = type;
  }
}

/** What a handler knows about the call. */
export interface CallContext {
  world: World;
  /** The caller's account: the one its credentials belong to. */
  account: string;
  /** Who signed the call (for resource policies and AccessDenied messages). */
  principal: Principal;
  /** Region of the SigV4 credential scope. */
  region: string;
  action: string;
  /** `http://host:port` of the sandbox as the caller reached it. */
  baseUrl: string;
  signer: Signer;
}

export type Handler = (input: Record<string, any>, ctx: CallContext) => unknown;

/** One AWS JSON service: its X-Amz-Target prefix and operations. */
export interface AwsJsonService {
  targetPrefix: string;
  /** IAM action prefix, for AccessDenied messages (`ecs`, `ecr`, `tag`). */
  iamPrefix: string;
  /** Error type for a throttled call. */
  throttlingErrorType: string;
  handlers: Record<string, Handler>;
  /** The resource ARN an AccessDenied message names, when the request has none. */
  resourceOf?(
    input: Record<string, any>,
    account: string,
    region: string,
  ): string | undefined;
}

interface SigV4 {
  accessKeyId: string;
  region: string;
  service: string;
}

/** Reads the credential scope of a SigV4 `Authorization` header. */
export function parseSigV4(header: string | undefined): SigV4 | undefined {
  if (!header) return undefined;
  const m =
    /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request\s*,\s*SignedHeaders=[^,\s]+\s*,\s*Signature=[0-9a-f]+$/i.exec(
      header.trim(),
    );
  return m ? { accessKeyId: m[1], region: m[3], service: m[4] } : undefined;
}

const ARN_ACCOUNT_RE = /^arn:aws[a-z-]*:(?:ecs|ecr):[a-z0-9-]*:(\d{12}):/;

/** The first ECS/ECR ARN in the request body, depth first. */
function firstArn(value: unknown, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  if (typeof value === 'string')
    return ARN_ACCOUNT_RE.test(value) ? value : undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = firstArn(v, depth + 1);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      const found = firstArn(v, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Serializes a response the way the JSON protocols do: timestamps as epoch seconds. */
export function toAwsJson(value: unknown): string {
  return JSON.stringify(
    value,
    function replacer(this: any, key: string, v: unknown) {
      const raw = this[key];
      if (raw instanceof Date) return raw.getTime() / 1000;
      return v;
    },
  );
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    ...extra,
  });
  res.end(body);
}

function sendError(res: ServerResponse, error: AwsApiError) {
  send(
    res,
    error.status,
    JSON.stringify({ __type: error.type, message: error.message }),
    {
      'x-amzn-errortype': error.type,
    },
  );
}

/**
 * Serves AWS JSON 1.1 calls (`POST /` with `X-Amz-Target`): checks the signature's shape,
 * resolves the caller's account, applies access denial and throttling, then dispatches.
 */
export class AwsJsonEndpoint {
  constructor(
    private readonly world: World,
    private readonly services: AwsJsonService[],
    private readonly signer: Signer,
    private readonly throttler: Throttler | undefined,
  ) {}

  handles(req: IncomingMessage): boolean {
    return typeof req.headers['x-amz-target'] === 'string';
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): Promise<void> {
    try {
      send(res, 200, toAwsJson(await this.call(req, body)));
    } catch (e) {
      if (e instanceof AwsApiError) {
        sendError(res, e);
      } else {
        sendError(
          res,
          new AwsApiError(
            'ServerException',
            `Internal error: ${(e as Error).message}`,
            500,
          ),
        );
      }
    }
  }

  private async call(req: IncomingMessage, body: Buffer): Promise<unknown> {
    const target = String(req.headers['x-amz-target']);
    const dot = target.lastIndexOf('.');
    const service = this.services.find(
      s => s.targetPrefix === target.slice(0, dot),
    );
    const action = target.slice(dot + 1);
    const handler = service?.handlers[action];
    if (req.method !== 'POST')
      throw new AwsApiError(
        'UnknownOperationException',
        'Only POST is supported',
      );
    if (!service || !handler || !Object.hasOwn(service.handlers, action)) {
      throw new AwsApiError(
        'UnknownOperationException',
        `Unknown operation ${target}`,
      );
    }
    const auth = parseSigV4(req.headers.authorization);
    if (!auth) {
      throw new AwsApiError(
        'MissingAuthenticationTokenException',
        'Missing Authentication Token',
        req.headers.authorization ? 403 : 400,
      );
    }
    let input: Record<string, any>;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      throw new AwsApiError(
        'SerializationException',
        'Start of structure or map found where not expected.',
      );
    }
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      throw new AwsApiError(
        'SerializationException',
        'The request body must be a JSON object.',
      );
    }

    const arn = firstArn(input);
    // Credentials alone decide the caller (see identity.ts); ARNs and registryId never do.
    const identified = identify(
      this.world,
      this.signer,
      auth.accessKeyId,
      headerValue(req.headers['x-amz-security-token']),
    );
    if (!identified.ok) {
      throw identified.reason === 'expired'
        ? new AwsApiError('ExpiredTokenException', EXPIRED_TOKEN_MESSAGE)
        : new AwsApiError('UnrecognizedClientException', INVALID_TOKEN_MESSAGE);
    }
    const { principal, account: model } = identified;
    const account = model.id;
    if (model.denyAccess) {
      const resource =
        arn ?? service.resourceOf?.(input, account, auth.region) ?? '*';
      const iamAction = `${service.iamPrefix}:${action}`;
      throw new AwsApiError(
        'AccessDeniedException',
        `User: ${principal.arn} is not authorized to perform: ${iamAction} on resource: ${resource} because no identity-based policy allows the ${iamAction} action`,
      );
    }
    if (
      this.throttler &&
      !this.throttler.take(
        service.iamPrefix,
        action,
        `${account}/${auth.region}`,
      )
    ) {
      throw new AwsApiError(service.throttlingErrorType, 'Rate exceeded');
    }
    return handler(input, {
      world: this.world,
      account,
      principal,
      region: auth.region,
      action,
      baseUrl: `http://${req.headers.host ?? 'localhost'}`,
      signer: this.signer,
    });
  }
}

/** Throws InvalidParameterException unless 1 ≤ n ≤ max (the batch limits of AWS APIs). */
export function checkBatch(
  list: unknown,
  what: string,
  max: number,
  style: 'ecs' | 'validation',
): unknown[] {
  if (list !== undefined && !Array.isArray(list)) {
    throw new AwsApiError('SerializationException', `${what} must be a list`);
  }
  const items = (list as unknown[] | undefined) ?? [];
  if (items.length === 0) {
    throw new AwsApiError(
      'InvalidParameterException',
      style === 'ecs'
        ? `${what[0].toUpperCase()}${what.slice(1)} cannot be empty.`
        : `1 validation error detected: Value null at '${what}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (items.length > max) {
    throw new AwsApiError(
      'InvalidParameterException',
      style === 'ecs'
        ? `${what[0].toUpperCase()}${what.slice(
            1,
          )} cannot be longer than ${max}.`
        : `1 validation error detected: Value '[…${items.length} items]' at '${what}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
  return items;
}

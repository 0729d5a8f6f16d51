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

import { randomBytes, randomUUID } from 'crypto';
import { IncomingMessage, ServerResponse } from 'http';
import { World } from '../scenario/model';
import { principalMatches } from '../scenario/policy';
import { parseSigV4 } from './awsJson';
import {
  EXPIRED_TOKEN_MESSAGE,
  identify,
  INVALID_TOKEN_MESSAGE,
} from './identity';
import { Signer } from './signing';
import { issueSessionToken } from './tokens';

/*
 * AWS STS, the query protocol: `POST /` with a form body (`Action=AssumeRole&Version=2011-06-15…`)
 * answered in XML. Serves AssumeRole and GetCallerIdentity, with the shapes of the STS API
 * reference: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
 * <AssumeRoleResult><AssumedRoleUser><Arn/><AssumedRoleId/></AssumedRoleUser><Credentials>
 * <AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/></Credentials>…`, errors as
 * `<ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

class StsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function element(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

function send(res: ServerResponse, status: number, xml: string) {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}

/** A role id as IAM shows them (`AROA` + 17 characters), stable for a role ARN. */
function roleId(roleArn: string): string {
  const hash = [...roleArn].reduce(
    (h, c) => (h * 31 + c.charCodeAt(0)) >>> 0,
    7,
  );
  return `AROA${hash
    .toString(36)
    .toUpperCase()
    .padStart(17, 'X')
    .slice(0, 17)}`;
}

export class StsEndpoint {
  constructor(private readonly world: World, private readonly signer: Signer) {}

  /** A form-encoded POST with no X-Amz-Target: the query protocol. */
  handles(req: IncomingMessage): boolean {
    return (
      req.method === 'POST' &&
      req.headers['x-amz-target'] === undefined &&
      /^application\/x-www-form-urlencoded/i.test(
        req.headers['content-type'] ?? '',
      )
    );
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const requestId = randomUUID();
    try {
      const [action, result] = this.call(req, body);
      send(
        res,
        200,
        `<${action}Response xmlns="${XMLNS}">${element(
          `${action}Result`,
          result,
        )}${element(
          'ResponseMetadata',
          element('RequestId', requestId),
        )}</${action}Response>`,
      );
    } catch (e) {
      const error =
        e instanceof StsError
          ? e
          : new StsError('InternalFailure', (e as Error).message, 500);
      send(
        res,
        error.status,
        `<ErrorResponse xmlns="${XMLNS}">${element(
          'Error',
          element('Type', error.status >= 500 ? 'Receiver' : 'Sender') +
            element('Code', error.code) +
            element('Message', escapeXml(error.message)),
        )}${element('RequestId', requestId)}</ErrorResponse>`,
      );
    }
  }

  private call(req: IncomingMessage, body: Buffer): [string, string] {
    const params = new URLSearchParams(body.toString('utf8'));
    const action = params.get('Action') ?? '';
    const auth = parseSigV4(req.headers.authorization);
    if (!auth)
      throw new StsError(
        'MissingAuthenticationToken',
        'Request is missing Authentication Token',
        403,
      );
    const sessionToken = req.headers['x-amz-security-token'];
    const identified = identify(
      this.world,
      this.signer,
      auth.accessKeyId,
      Array.isArray(sessionToken) ? sessionToken[0] : sessionToken,
    );
    if (!identified.ok) {
      throw identified.reason === 'expired'
        ? new StsError('ExpiredToken', EXPIRED_TOKEN_MESSAGE)
        : new StsError('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, 403);
    }
    const caller = identified.principal;
    if (action === 'GetCallerIdentity') {
      // No permission is needed, even for a denied account (STS API reference).
      const session = caller.arn.split('/').pop();
      return [
        action,
        element('Arn', caller.arn) +
          element('UserId', `${roleId(caller.roleArn)}:${session}`) +
          element('Account', caller.account),
      ];
    }
    if (action !== 'AssumeRole')
      throw new StsError(
        'InvalidAction',
        `Could not find operation ${action} for version ${
          params.get('Version') ?? 'NO_VERSION_SPECIFIED'
        }`,
      );

    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw new StsError(
        'ValidationError',
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const m =
      /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(
        roleArn,
      );
    const role = m ? this.world.accounts.get(m[1])?.roles.get(m[2]) : undefined;
    // A missing role and an untrusting one look the same to the caller.
    if (
      !role ||
      !role.trustedPrincipals.some(p => principalMatches(p, caller))
    ) {
      throw new StsError(
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    }
    const duration = Number(params.get('DurationSeconds') ?? 3600);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      throw new StsError(
        'ValidationError',
        `1 validation error detected: Value '${params.get(
          'DurationSeconds',
        )}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
      );
    }
    if (duration > role.maxSessionSeconds) {
      throw new StsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const { token, expiresAt } = issueSessionToken(
      this.signer,
      { ak: accessKeyId, a: role.account, r: role.name, s: sessionName },
      duration,
    );
    const arn = `arn:aws:sts::${role.account}:assumed-role/${role.name}/${sessionName}`;
    return [
      action,
      element(
        'AssumedRoleUser',
        element('AssumedRoleId', `${roleId(role.arn)}:${sessionName}`) +
          element('Arn', arn),
      ) +
        element(
          'Credentials',
          element('AccessKeyId', accessKeyId) +
            element('SecretAccessKey', randomBytes(30).toString('base64')) +
            element('SessionToken', token) +
            element(
              'Expiration',
              expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            ),
        ),
    ];
  }
}

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

import { Signer } from './signing';

/*
 * The credentials the sandbox hands out. All are signed, carry an expiry, and say what they are
 * for, so one kind cannot be used as another.
 */

/** ECR authorization tokens last 12 hours, as in AWS. */
export const ECR_TOKEN_TTL_SECONDS = 12 * 3600;
/** Registry bearer tokens last 5 minutes, as Docker Hub's do. */
export const REGISTRY_TOKEN_TTL_SECONDS = 300;
/** Presigned blob links last 20 minutes, like ECR's S3 links. */
export const BLOB_LINK_TTL_SECONDS = 1200;

type Verified<T> = { ok: true; payload: T } | { ok: false; expired: boolean };

function check<T extends { exp: number; k: string }>(
  signer: Signer,
  token: string,
  kind: string,
): Verified<T> {
  const payload = signer.verify<T>(token);
  if (!payload || payload.k !== kind) return { ok: false, expired: false };
  if (payload.exp * 1000 < Date.now()) return { ok: false, expired: true };
  return { ok: true, payload };
}

/**
 * What an ECR token carries: the principal that asked for it and the region it was asked in. As
 * in ECR, it "represents your IAM authentication credentials": it reads the registries of that
 * region that the principal may read (its own account's, and other accounts' repositories whose
 * policy allows it). Source: ECR API reference, GetAuthorizationToken.
 */
export interface EcrGrant {
  k: string;
  /** Account of the principal. */
  a: string;
  /** Region the token was issued in. */
  g: string;
  /** Principal ARN and role ARN. */
  p: string;
  ro: string;
  exp: number;
}

export function issueEcrToken(
  signer: Signer,
  principal: { account: string; arn: string; roleArn: string },
  region: string,
): { token: string; expiresAt: Date } {
  const exp = Math.floor(Date.now() / 1000) + ECR_TOKEN_TTL_SECONDS;
  return {
    token: signer.sign({
      k: 'ecr',
      a: principal.account,
      g: region,
      p: principal.arn,
      ro: principal.roleArn,
      exp,
    }),
    expiresAt: new Date(exp * 1000),
  };
}

export function verifyEcrToken(signer: Signer, token: string) {
  return check<EcrGrant>(signer, token, 'ecr');
}

/** STS temporary credentials: the session token names the access key it goes with. */
export interface StsSession {
  k: string;
  /** The temporary access key id (`ASIA…`). */
  ak: string;
  /** Account, role name and session name. */
  a: string;
  r: string;
  s: string;
  exp: number;
}

export function issueSessionToken(
  signer: Signer,
  session: Omit<StsSession, 'k' | 'exp'>,
  seconds: number,
): { token: string; expiresAt: Date } {
  const exp = Math.floor(Date.now() / 1000) + seconds;
  return {
    token: signer.sign({ k: 'sts', ...session, exp }),
    expiresAt: new Date(exp * 1000),
  };
}

export function verifySessionToken(signer: Signer, token: string) {
  return check<StsSession>(signer, token, 'sts');
}

export interface RegistryGrant {
  k: string;
  /** Registry host. */
  h: string;
  /** Username, or empty for anonymous. */
  u: string;
  /** Repositories this token may pull. */
  r: string[];
  exp: number;
}

export function issueRegistryToken(
  signer: Signer,
  grant: Omit<RegistryGrant, 'k' | 'exp'>,
): string {
  const exp = Math.floor(Date.now() / 1000) + REGISTRY_TOKEN_TTL_SECONDS;
  return signer.sign({ k: 'registry', ...grant, exp });
}

export function verifyRegistryToken(signer: Signer, token: string) {
  return check<RegistryGrant>(signer, token, 'registry');
}

/** A presigned link to a blob of a repository (`ecr/<account>/<region>/<repo>` or `registries/<host>/<repo>`). */
export function signBlobLink(
  signer: Signer,
  repositoryKey: string,
  digest: string,
): string {
  const exp = Math.floor(Date.now() / 1000) + BLOB_LINK_TTL_SECONDS;
  return signer.sign({ k: 'blob', p: repositoryKey, d: digest, exp });
}

export function verifyBlobLink(signer: Signer, token: string) {
  return check<{ k: string; p: string; d: string; exp: number }>(
    signer,
    token,
    'blob',
  );
}

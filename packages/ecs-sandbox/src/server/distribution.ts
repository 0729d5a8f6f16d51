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

import { IncomingMessage, ServerResponse } from 'http';
import { MEDIA_TYPES } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import { regionKey, RegistryModel, World } from '../scenario/model';
import { isRepositoryName, isTag } from '../scenario/reference';
import {
  isDigest,
  RepositoryContent,
  StoredImage,
} from '../scenario/repository';
import { Principal } from '../scenario/policy';
import { authorizeRepository } from './ecr';
import { Signer } from './signing';
import {
  issueRegistryToken,
  REGISTRY_TOKEN_TTL_SECONDS,
  signBlobLink,
  verifyBlobLink,
  verifyEcrToken,
  verifyRegistryToken,
} from './tokens';

/** Docker Hub's rate-limit window: 6 hours. */
const RATE_WINDOW_SECONDS = 21600;

/** A Distribution API error: status, code and message, as `{"errors":[…]}`. */
class RegistryHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'docker-distribution-api-version': 'registry/2.0',
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, e: RegistryHttpError) {
  sendJson(
    res,
    e.status,
    {
      errors: [{ code: e.code, message: e.message, detail: e.detail ?? null }],
    },
    e.headers,
  );
}

/** Who is pulling. */
interface Caller {
  anonymous: boolean;
  /** For ECR: the principal whose GetAuthorizationToken token was sent. */
  principal?: Principal;
}

/** What a Distribution API request does, for the IAM action ECR checks. */
type RegistryOperation =
  | 'manifests'
  | 'blobs'
  | 'blobs:head'
  | 'tags'
  | 'referrers';

/** The part that differs between ECR and other registries: auth and where repositories live. */
interface RegistryView {
  /** `ecr/<account>/<region>` or `registries/<host>`: the prefix of its URLs. */
  prefix: string;
  latencyMs: number;
  authenticate(
    req: IncomingMessage,
    repository: string | undefined,
    baseUrl: string,
  ): Caller;
  repository(name: string): RepositoryContent;
  /** Throws unless the caller may perform the operation on the repository (ECR). */
  authorize?(caller: Caller, name: string, operation: RegistryOperation): void;
  manifestUnknownMessage: string;
  /** Called before a manifest GET is served (rate limits). */
  beforePull?(caller: Caller): Record<string, string>;
}

function basicCredentials(
  req: IncomingMessage,
): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0
    ? undefined
    : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

class EcrView implements RegistryView {
  readonly prefix: string;
  readonly latencyMs = 0;
  readonly manifestUnknownMessage = 'Requested image not found';

  constructor(
    private readonly world: World,
    private readonly signer: Signer,
    private readonly account: string,
    private readonly region: string,
  ) {
    this.prefix = `ecr/${account}/${region}`;
  }

  authenticate(
    req: IncomingMessage,
    _repository: string | undefined,
    baseUrl: string,
  ): Caller {
    const challenge = {
      'www-authenticate': `Basic realm="${baseUrl}/${this.prefix}/",service="ecr.amazonaws.com"`,
    };
    const credentials = basicCredentials(req);
    if (!credentials)
      throw new RegistryHttpError(
        401,
        'UNAUTHORIZED',
        'Not Authorized',
        challenge,
      );
    const verified =
      credentials.user === 'AWS'
        ? verifyEcrToken(this.signer, credentials.password)
        : undefined;
    if (verified && !verified.ok && verified.expired) {
      throw new RegistryHttpError(
        403,
        'DENIED',
        'Your authorization token has expired. Reauthenticate and try again.',
      );
    }
    // A token is for the registries of the region it was issued in (each region's ECR issues
    // its own); another region's registry does not recognise it.
    if (!verified?.ok || verified.payload.g !== this.region)
      throw new RegistryHttpError(
        401,
        'UNAUTHORIZED',
        'Not Authorized',
        challenge,
      );
    const { a, p, ro } = verified.payload;
    return { anonymous: false, principal: { account: a, arn: p, roleArn: ro } };
  }

  /**
   * The IAM action behind each registry call: manifests and referrers need ecr:BatchGetImage,
   * blob downloads ecr:GetDownloadUrlForLayer (blob HEAD ecr:BatchCheckLayerAvailability), tag
   * lists ecr:ListImages (ECR User Guide, "Private repository policy examples": the pull
   * statement lists BatchGetImage, GetDownloadUrlForLayer and BatchCheckLayerAvailability).
   * Another account's token passes only where the repository policy allows that action.
   */
  authorize(caller: Caller, name: string, operation: RegistryOperation) {
    const action = {
      manifests: 'ecr:BatchGetImage',
      referrers: 'ecr:BatchGetImage',
      blobs: 'ecr:GetDownloadUrlForLayer',
      'blobs:head': 'ecr:BatchCheckLayerAvailability',
      tags: 'ecr:ListImages',
    }[operation];
    try {
      authorizeRepository(
        caller.principal!,
        this.account,
        this.world.ecr.get(regionKey(this.account, this.region))?.get(name),
        action,
        `arn:aws:ecr:${this.region}:${this.account}:repository/${name}`,
      );
    } catch (e) {
      throw new RegistryHttpError(403, 'DENIED', (e as Error).message);
    }
  }

  repository(name: string): RepositoryContent {
    const repo = this.world.ecr
      .get(regionKey(this.account, this.region))
      ?.get(name);
    if (!repo) {
      throw new RegistryHttpError(
        404,
        'NAME_UNKNOWN',
        `The repository with name '${name}' does not exist in the registry with id '${this.account}'`,
      );
    }
    return repo.content;
  }
}

class OtherRegistryView implements RegistryView {
  readonly prefix: string;
  readonly manifestUnknownMessage = 'manifest unknown';

  constructor(
    private readonly registry: RegistryModel,
    private readonly signer: Signer,
    private readonly pulls: { count: number },
  ) {
    this.prefix = `registries/${registry.host}`;
  }

  get latencyMs() {
    return this.registry.latencyMs;
  }

  authenticate(
    req: IncomingMessage,
    repository: string | undefined,
    baseUrl: string,
  ): Caller {
    const challenge = (error?: string) => ({
      'www-authenticate': `Bearer realm="${baseUrl}/${
        this.prefix
      }/token",service="${this.registry.host}"${
        repository ? `,scope="repository:${repository}:pull"` : ''
      }${error ? `,error="${error}"` : ''}`,
    });
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m)
      throw new RegistryHttpError(
        401,
        'UNAUTHORIZED',
        'authentication required',
        challenge(),
      );
    const verified = verifyRegistryToken(this.signer, m[1]);
    if (!verified.ok || verified.payload.h !== this.registry.host) {
      throw new RegistryHttpError(
        401,
        'UNAUTHORIZED',
        'authentication required',
        challenge('invalid_token'),
      );
    }
    if (repository && !verified.payload.r.includes(repository)) {
      throw new RegistryHttpError(
        401,
        'UNAUTHORIZED',
        'authentication required',
        challenge('insufficient_scope'),
        [{ Type: 'repository', Name: repository, Action: 'pull' }],
      );
    }
    return { anonymous: verified.payload.u === '' };
  }

  repository(name: string): RepositoryContent {
    const repo = this.registry.repositories.get(name);
    if (!repo)
      throw new RegistryHttpError(
        404,
        'NAME_UNKNOWN',
        'repository name not known to registry',
      );
    return repo.content;
  }

  beforePull(caller: Caller): Record<string, string> {
    const limit = this.registry.anonymousPullLimit;
    if (limit === undefined || !caller.anonymous) return {};
    const headers = {
      'ratelimit-limit': `${limit};w=${RATE_WINDOW_SECONDS}`,
      'ratelimit-remaining': `${Math.max(
        0,
        limit - this.pulls.count - 1,
      )};w=${RATE_WINDOW_SECONDS}`,
    };
    if (this.pulls.count >= limit) {
      throw new RegistryHttpError(
        429,
        'TOOMANYREQUESTS',
        'You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit',
        {
          ...headers,
          'ratelimit-remaining': `0;w=${RATE_WINDOW_SECONDS}`,
          'retry-after': '3600',
        },
      );
    }
    this.pulls.count += 1;
    return headers;
  }

  /** The token endpoint: grants pull on the repositories the caller may read. */
  token(req: IncomingMessage, url: URL, res: ServerResponse) {
    const credentials = basicCredentials(req);
    let user = '';
    if (credentials) {
      if (this.registry.users.get(credentials.user) !== credentials.password) {
        sendJson(res, 401, { details: 'incorrect username or password' });
        return;
      }
      user = credentials.user;
    }
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap(s => s.split(' '))
      .filter(Boolean);
    const granted: string[] = [];
    for (const scope of scopes) {
      const m = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
      if (!m || !m[2].split(',').includes('pull')) continue;
      const repo = this.registry.repositories.get(m[1]);
      const allowed = repo
        ? !repo.private || user !== ''
        : this.registry.missingRepositoryStatus === 404;
      if (allowed) granted.push(m[1]);
    }
    const token = issueRegistryToken(this.signer, {
      h: this.registry.host,
      u: user,
      r: granted,
    });
    sendJson(res, 200, {
      token,
      access_token: token,
      expires_in: REGISTRY_TOKEN_TTL_SECONDS,
      issued_at: new Date().toISOString(),
    });
  }
}

/** Media types of an `Accept` header, parameters dropped. */
function acceptedTypes(req: IncomingMessage): string[] {
  return [req.headers.accept ?? []]
    .flat()
    .flatMap(v => v.split(','))
    .map(v => v.split(';')[0].trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Picks what to serve for a manifest request, like distribution does: the stored manifest if its
 * type is accepted (or no Accept was sent); for a Docker manifest list that is not accepted, its
 * linux/amd64 image; otherwise MANIFEST_UNKNOWN.
 */
function negotiate(
  stored: StoredImage,
  accepted: string[],
  content: RepositoryContent,
): StoredImage {
  const type = stored.manifest.mediaType;
  if (
    accepted.length === 0 ||
    accepted.includes(type) ||
    accepted.includes('*/*')
  )
    return stored;
  if (type === MEDIA_TYPES.dockerManifestList) {
    const entry = (stored.manifest.json.manifests ?? []).find(
      (m: any) =>
        m.platform?.os === 'linux' && m.platform?.architecture === 'amd64',
    );
    const child = entry ? content.resolve(entry.digest) : undefined;
    if (child && accepted.includes(child.manifest.mediaType)) return child;
  }
  const messages: Record<string, string> = {
    [MEDIA_TYPES.ociIndex]:
      'OCI index found, but accept header does not support OCI indexes',
    [MEDIA_TYPES.ociManifest]:
      'OCI manifest found, but accept header does not support OCI manifests',
  };
  throw new RegistryHttpError(
    404,
    'MANIFEST_UNKNOWN',
    messages[type] ??
      `manifest of type ${type} found, but accept header does not support it`,
  );
}

function delay(ms: number): Promise<void> {
  return ms > 0
    ? new Promise(resolve => setTimeout(resolve, ms))
    : Promise.resolve();
}

/**
 * Serves the OCI Distribution API for the scenario's images: ECR registries at
 * `/ecr/<account>/<region>/v2/…` (basic auth with a GetAuthorizationToken token) and other
 * registries at `/registries/<host>/v2/…` (bearer tokens from `/registries/<host>/token`).
 * Blob downloads redirect to short-lived signed links under `/blobstore/`, as ECR (S3) and
 * Docker Hub (CDN) do.
 */
export class DistributionEndpoint {
  private readonly pulls = new Map<string, { count: number }>();

  constructor(private readonly world: World, private readonly signer: Signer) {}

  handles(path: string): boolean {
    return /^\/(ecr|registries|blobstore)\//.test(path);
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    baseUrl: string,
  ): Promise<void> {
    try {
      await this.route(req, res, url, baseUrl);
    } catch (e) {
      if (e instanceof RegistryHttpError) sendError(res, e);
      else
        sendError(
          res,
          new RegistryHttpError(
            500,
            'UNKNOWN',
            `internal error: ${(e as Error).message}`,
          ),
        );
    }
  }

  private view(path: string): { view: RegistryView; rest: string } | undefined {
    const ecr = /^\/ecr\/(\d{12})\/([a-z0-9-]+)(\/.*)$/.exec(path);
    if (ecr)
      return {
        view: new EcrView(this.world, this.signer, ecr[1], ecr[2]),
        rest: ecr[3],
      };
    const other = /^\/registries\/([^/]+)(\/.*)$/.exec(path);
    const registry = other ? this.world.registries.get(other[1]) : undefined;
    if (!other || !registry) return undefined;
    let pulls = this.pulls.get(registry.host);
    if (!pulls) {
      pulls = { count: 0 };
      this.pulls.set(registry.host, pulls);
    }
    return {
      view: new OtherRegistryView(registry, this.signer, pulls),
      rest: other[2],
    };
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    baseUrl: string,
  ) {
    const path = url.pathname;
    if (path.startsWith('/blobstore/')) {
      let token = '';
      try {
        token = decodeURIComponent(path.slice('/blobstore/'.length));
      } catch {
        // a malformed link is refused like any other bad signature
      }
      this.serveBlobLink(req, res, token);
      return;
    }
    const found = this.view(path);
    if (!found)
      throw new RegistryHttpError(
        404,
        'NAME_UNKNOWN',
        'no such registry in the scenario',
      );
    const { view, rest } = found;
    await delay(view.latencyMs);

    if (rest === '/token' && view instanceof OtherRegistryView) {
      view.token(req, url, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new RegistryHttpError(
        405,
        'UNSUPPORTED',
        'the sandbox registry is read-only',
      );
    }
    if (rest === '/v2/' || rest === '/v2') {
      view.authenticate(req, undefined, baseUrl);
      sendJson(res, 200, {});
      return;
    }
    const m =
      /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(rest) ??
      /^\/v2\/(.+)\/(tags)\/list$/.exec(rest);
    if (!m) throw new RegistryHttpError(404, 'UNSUPPORTED', 'unknown endpoint');
    const [, name, kind, reference] = m;
    if (!isRepositoryName(name)) {
      throw new RegistryHttpError(
        400,
        'NAME_INVALID',
        'invalid repository name',
      );
    }
    const caller = view.authenticate(req, name, baseUrl);
    view.authorize?.(
      caller,
      name,
      kind === 'blobs' && req.method === 'HEAD'
        ? 'blobs:head'
        : (kind as RegistryOperation),
    );
    const content = view.repository(name);

    if (kind === 'manifests')
      this.serveManifest(req, res, view, caller, content, reference);
    else if (kind === 'blobs')
      this.serveBlob(req, res, view, content, name, reference, baseUrl);
    else if (kind === 'referrers')
      this.serveReferrers(res, content, reference, url);
    else this.serveTags(res, content, name, url);
  }

  private serveManifest(
    req: IncomingMessage,
    res: ServerResponse,
    view: RegistryView,
    caller: Caller,
    content: RepositoryContent,
    reference: string,
  ) {
    if (reference.includes(':')) {
      if (!isDigest(reference))
        throw new RegistryHttpError(400, 'DIGEST_INVALID', 'invalid digest');
    } else if (!isTag(reference)) {
      throw new RegistryHttpError(400, 'TAG_INVALID', 'invalid tag');
    }
    const stored = content.resolve(reference);
    if (!stored)
      throw new RegistryHttpError(
        404,
        'MANIFEST_UNKNOWN',
        view.manifestUnknownMessage,
      );
    if (stored.status !== 'ACTIVE') {
      throw new RegistryHttpError(
        404,
        'MANIFEST_UNKNOWN',
        `${
          view.manifestUnknownMessage
        }: the image is ${stored.status.toLowerCase()}; restore it to pull it`,
      );
    }
    const served = negotiate(stored, acceptedTypes(req), content);
    const limitHeaders =
      req.method === 'GET' && view.beforePull ? view.beforePull(caller) : {};
    const { manifest } = served;
    res.writeHead(200, {
      'content-type': manifest.mediaType,
      'content-length': manifest.size,
      'docker-content-digest': manifest.digest,
      etag: `"${manifest.digest}"`,
      'docker-distribution-api-version': 'registry/2.0',
      ...limitHeaders,
    });
    res.end(req.method === 'HEAD' ? undefined : manifest.data);
  }

  private serveBlob(
    req: IncomingMessage,
    res: ServerResponse,
    view: RegistryView,
    content: RepositoryContent,
    name: string,
    digest: string,
    baseUrl: string,
  ) {
    if (!isDigest(digest))
      throw new RegistryHttpError(400, 'DIGEST_INVALID', 'invalid digest');
    const blob = content.blob(digest);
    if (!blob)
      throw new RegistryHttpError(
        404,
        'BLOB_UNKNOWN',
        'blob unknown to registry',
        {},
        digest,
      );
    if (req.method === 'HEAD') {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': blob.size,
        'docker-content-digest': blob.digest,
        etag: `"${blob.digest}"`,
        'docker-distribution-api-version': 'registry/2.0',
      });
      res.end();
      return;
    }
    const link = signBlobLink(this.signer, `${view.prefix}/${name}`, digest);
    res.writeHead(307, {
      location: `${baseUrl}/blobstore/${encodeURIComponent(link)}`,
      'docker-distribution-api-version': 'registry/2.0',
      'content-length': 0,
    });
    res.end();
  }

  private serveBlobLink(
    req: IncomingMessage,
    res: ServerResponse,
    token: string,
  ) {
    const verified = verifyBlobLink(this.signer, token);
    const deny = (message: string) => {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end(message);
    };
    if (!verified.ok) {
      deny(
        verified.expired
          ? 'Request has expired'
          : 'The request signature we calculated does not match the signature you provided.',
      );
      return;
    }
    const { p, d } = verified.payload;
    const blob = this.contentAt(p)?.blob(d);
    if (!blob) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('The specified key does not exist.');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': blob.size,
      etag: `"${blob.digest.slice(7, 39)}"`,
    });
    res.end(req.method === 'HEAD' ? undefined : blob.data);
  }

  /** The repository a blob link names: `ecr/<account>/<region>/<repo>` or `registries/<host>/<repo>`. */
  private contentAt(key: string): RepositoryContent | undefined {
    const ecr = /^ecr\/(\d{12})\/([a-z0-9-]+)\/(.+)$/.exec(key);
    if (ecr)
      return this.world.ecr.get(regionKey(ecr[1], ecr[2]))?.get(ecr[3])
        ?.content;
    const other = /^registries\/([^/]+)\/(.+)$/.exec(key);
    return other
      ? this.world.registries.get(other[1])?.repositories.get(other[2])?.content
      : undefined;
  }

  private serveReferrers(
    res: ServerResponse,
    content: RepositoryContent,
    digest: string,
    url: URL,
  ) {
    if (!isDigest(digest))
      throw new RegistryHttpError(400, 'DIGEST_INVALID', 'invalid digest');
    const filter = url.searchParams.get('artifactType');
    const manifests = content
      .referrers(digest)
      .filter(i => !filter || i.manifest.json.artifactType === filter)
      .map(i => ({
        mediaType: i.manifest.mediaType,
        digest: i.digest,
        size: i.manifest.size,
        ...(i.manifest.json.artifactType
          ? { artifactType: i.manifest.json.artifactType }
          : {}),
        ...(i.manifest.json.annotations
          ? { annotations: i.manifest.json.annotations }
          : {}),
      }));
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests,
    });
    res.writeHead(200, {
      'content-type': MEDIA_TYPES.ociIndex,
      'content-length': Buffer.byteLength(body),
      ...(filter ? { 'oci-filters-applied': 'artifactType' } : {}),
    });
    res.end(body);
  }

  private serveTags(
    res: ServerResponse,
    content: RepositoryContent,
    name: string,
    url: URL,
  ) {
    const all = content.tags();
    const last = url.searchParams.get('last');
    const n = Number(url.searchParams.get('n') ?? all.length);
    const start = last ? all.filter(t => t <= last).length : 0;
    const tags = all.slice(
      start,
      start + (Number.isFinite(n) && n > 0 ? n : all.length),
    );
    const more = start + tags.length < all.length;
    sendJson(
      res,
      200,
      { name, tags },
      more
        ? {
            link: `<${url.pathname}?n=${tags.length}&last=${encodeURIComponent(
              tags[tags.length - 1],
            )}>; rel="next"`,
          }
        : {},
    );
  }
}

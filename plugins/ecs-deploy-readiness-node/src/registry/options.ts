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
 * Which registries may be reached over plain HTTP or at non-public addresses. Everything else
 * must be HTTPS at a public address.
 *
 * @public
 */
export interface NetworkPolicyOptions {
  /**
   * Registry hosts (`host` or `host:port`) that may resolve to private, loopback or link-local
   * addresses, e.g. an in-VPC mirror. A host without a port matches every port.
   */
  allowedPrivateRegistries?: string[];
  /** Allows loopback addresses (127.0.0.0/8, ::1) for any host; for local stand-ins and tests. */
  allowLoopback?: boolean;
  /** Registry hosts (`host` or `host:port`) spoken to over plain HTTP instead of HTTPS. */
  insecureRegistries?: string[];
}

/**
 * Time limits for registry and AWS calls.
 *
 * @public
 */
export interface RegistryTimeouts {
  /** Limit for establishing a connection (DNS and TCP). Default 5000 ms. */
  connectMs?: number;
  /** Limit for one whole HTTP request, redirects and body included. Default 10000 ms. */
  requestMs?: number;
  /** Limit for one AWS API call, the SDK's retries included. Default 30000 ms. */
  awsApiMs?: number;
}

/**
 * Size and redirect limits.
 *
 * @public
 */
export interface RegistryCaps {
  /** Largest manifest or index accepted. Default 4 MiB. */
  manifestBytes?: number;
  /** Largest blob (image config) accepted. Default 4 MiB. */
  blobBytes?: number;
  /** Most redirects followed for one request. Default 5. */
  redirects?: number;
}

/**
 * Default time limits, applied in one place.
 *
 * @internal
 */
export const DEFAULT_TIMEOUTS: Required<RegistryTimeouts> = {
  connectMs: 5_000,
  requestMs: 10_000,
  awsApiMs: 30_000,
};

/**
 * Default size and redirect limits, applied in one place.
 *
 * @internal
 */
export const DEFAULT_CAPS: Required<RegistryCaps> = {
  manifestBytes: 4 * 1024 * 1024,
  blobBytes: 4 * 1024 * 1024,
  redirects: 5,
};

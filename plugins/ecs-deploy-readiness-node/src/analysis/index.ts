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
 * Pure functions over registry documents and ECS/ECR settings: no I/O. The offline `analyze`
 * command and the online inspection both use them.
 */
export * from './artifacts';
export * from './checks';
export {
  IMAGE_CONFIG_MEDIA_TYPES,
  isIndexMediaType,
  isManifestMediaType,
  effectiveMediaType,
  normalizeMediaType,
  parseDocument,
  parseJsonBytes,
  readConfigDocument,
  readDescriptor,
  readDocument,
} from './documents';
export type {
  ConfigDocument,
  Descriptor,
  DocumentKind,
  IndexDocument,
  ManifestDocument,
  RegistryDocument,
  Schema1Document,
  UnknownDocument,
} from './documents';
export * from './findings';
export * from './layers';
export * from './lifecycle';
export * from './platform';
export type * from './repositoryFacts';
export * from './tagMutability';
export * from './taskDefinition';
export { wildcardMatch } from './wildcard';

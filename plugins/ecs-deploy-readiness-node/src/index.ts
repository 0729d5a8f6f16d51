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
 * The image inspection engine of ECS Deploy Readiness: tells whether Amazon ECS can pull and start
 * the images of a task definition, from their registries (ECR and OCI registries) or offline from
 * their documents, and the `ecs-deploy-readiness` CLI.
 *
 * The API is what the backend plugin and CLI users need: the inspector and its results, the
 * registry client, provider and document cache interfaces with their default implementations,
 * image references, and the offline analysis. Everything else in the source tree is internal.
 *
 * @packageDocumentation
 */

// The inspector, online and offline.
export {
  ImageInspector,
  InvalidRequestError,
  FileDocumentCache,
  InMemoryDocumentCache,
  analyzeDocuments,
} from './inspect';
export type {
  AnalysisReport,
  AnalyzeDocumentsInput,
  Clock,
  DocumentCache,
  FileDocumentCacheOptions,
  ImageInspection,
  ImageInspectorOptions,
  InspectImageRequest,
  InspectTaskDefinitionOptions,
  InspectionFacts,
  InspectionStatus,
  TaskDefinitionInspection,
} from './inspect';
export type {
  ArtifactKind,
  DocumentFacts,
  DocumentKind,
  LayerCompression,
  ReadinessStatus,
  TagMutabilityVerdict,
} from './analysis';

// Registries.
export {
  DefaultRegistryClientProvider,
  RegistryError,
  SecretRedactor,
  distributionBaseUrl,
  heldSecrets,
} from './registry';
export type {
  CredentialsFor,
  DefaultRegistryClientProviderOptions,
  FetchedManifest,
  ImageDetails,
  NetworkPolicyOptions,
  RegistryCallOptions,
  RegistryCaps,
  RegistryClient,
  RegistryClientProvider,
  RegistryCredentials,
  RegistryErrorKind,
  RegistryErrorOptions,
  RegistryTimeouts,
  RepositoryInfo,
  RequestSlots,
  ResolveHost,
  TagMutability,
  TagTarget,
} from './registry';

// Image references.
export { formatReference, parseImageReference, withDigest } from './reference';
export type {
  EcrRegistryInfo,
  ImageReference,
  ParseImageReferenceOptions,
  ParsedReference,
  RegistryKind,
} from './reference';

// The CLI, for embedding.
export { main as runCli } from './cli';
export type { CliIo, CliOutputFormat } from './cli';

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
 * Types, check ids, media types, the pull-error classifier and the fix catalogue shared by the
 * ECS deploy readiness plugins. No Node or browser dependencies.
 *
 * @packageDocumentation
 */

export * from './types';
export * from './mediaTypes';
export * from './iam';
export * from './references';
export * from './fixes';
export * from './classify';
export * from './diagnose';
export * from './api/types';
export * from './permissions';
export * from './annotations';

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

// @ts-check

// Conventions, shared by every table (SQLite and PostgreSQL alike):
// - Timestamps are ISO 8601 UTC strings from Date.prototype.toISOString(), always
//   `YYYY-MM-DDTHH:mm:ss.sssZ` (24 characters), so text order is time order and range
//   queries and sorting behave the same on both databases.
// - JSON values are text columns holding JSON.stringify output.
// - ARNs are up to 1024 characters (a service ARN carries a cluster and a service name of up
//   to 255 characters each).

const ARN = 1024;
const TIMESTAMP = 32;

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('service_reports', table => {
    table.comment('The latest readiness report of each audited ECS service');
    table.string('service_arn', ARN).primary().comment('The ECS service ARN');
    table.string('account_id', 12).notNullable();
    table.string('region', 32).notNullable();
    table.string('cluster_arn', ARN).notNullable();
    table
      .string('status', 32)
      .notNullable()
      .comment('ready, blocked, at-risk or unverifiable');
    table
      .text('findings')
      .notNullable()
      .comment('JSON: Finding[] with fixKey and fixVars, no prose');
    table
      .text('details')
      .notNullable()
      .comment('JSON: what else the report carries (task definitions, images)');
    table
      .string('content_hash', 64)
      .notNullable()
      .comment('sha256 of status, findings and details');
    table.boolean('stale').notNullable().defaultTo(false);
    table
      .text('stale_errors')
      .nullable()
      .comment('JSON: AuditError[] that made the report stale');
    table.string('stale_since', TIMESTAMP).nullable();
    table
      .string('updated_at', TIMESTAMP)
      .notNullable()
      .comment('When the content last changed');
    table
      .string('status_since', TIMESTAMP)
      .notNullable()
      .comment('When the status last changed');
    table.index(['account_id', 'region'], 'service_reports_account_region_idx');
    table.index(['status'], 'service_reports_status_idx');
  });

  await knex.schema.createTable('entity_reports', table => {
    table.comment('The latest readiness rollup of each catalog entity');
    table
      .string('entity_ref', 512)
      .primary()
      .comment('The entity ref, lower case');
    table
      .string('status', 32)
      .notNullable()
      .comment('blocked, at-risk, ready or unknown');
    table
      .text('service_arns')
      .notNullable()
      .comment('JSON: string[] of the linked services');
    table
      .text('findings')
      .notNullable()
      .comment('JSON: entity-level Finding[] (e.g. a malformed link)');
    table.text('counts').notNullable().comment('JSON: services by status');
    table.string('content_hash', 64).notNullable();
    table.boolean('stale').notNullable().defaultTo(false);
    table.text('stale_errors').nullable();
    table.string('stale_since', TIMESTAMP).nullable();
    table.string('updated_at', TIMESTAMP).notNullable();
    table.string('status_since', TIMESTAMP).notNullable();
    table.index(['status', 'entity_ref'], 'entity_reports_status_idx');
  });

  await knex.schema.createTable('entity_services', table => {
    table.comment('Which services an entity links to, as of its latest report');
    table.string('entity_ref', 512).notNullable();
    table.string('service_arn', ARN).notNullable();
    table.primary(['entity_ref', 'service_arn'], 'entity_services_pkey');
    table.index(['service_arn'], 'entity_services_service_idx');
  });

  await knex.schema.createTable('status_history', table => {
    table.comment(
      'One row per status change of an entity or a service, for trends',
    );
    table.increments('id');
    table.string('subject_kind', 16).notNullable().comment('entity or service');
    table
      .string('subject', ARN)
      .notNullable()
      .comment('The entity ref or the service ARN');
    table
      .string('from_status', 32)
      .nullable()
      .comment('Null for the first report');
    table.string('to_status', 32).notNullable();
    table.string('changed_at', TIMESTAMP).notNullable();
    table.integer('audit_run_id').nullable();
    table.index(
      ['subject_kind', 'subject', 'changed_at'],
      'status_history_subject_idx',
    );
    table.index(['changed_at'], 'status_history_changed_at_idx');
  });

  await knex.schema.createTable('pull_errors', table => {
    table.comment(
      'Image pull failures seen on stopped tasks, one per task and container',
    );
    table.increments('id');
    table.string('task_arn', ARN).notNullable();
    table
      .string('container', 255)
      .notNullable()
      .comment('Empty when the task as a whole failed');
    table.string('service_arn', ARN).notNullable();
    table.string('account_id', 12).notNullable();
    table.string('region', 32).notNullable();
    table.string('category', 64).notNullable();
    table
      .text('message')
      .notNullable()
      .comment('The stop reason as ECS wrote it (redacted)');
    table.text('classified').notNullable().comment('JSON: ClassifiedPullError');
    table.text('image').nullable();
    table.string('task_definition_arn', ARN).nullable();
    table
      .string('occurred_at', TIMESTAMP)
      .notNullable()
      .comment('When the task stopped');
    table.string('recorded_at', TIMESTAMP).notNullable();
    table.unique(['task_arn', 'container'], {
      indexName: 'pull_errors_task_container_uq',
    });
    table.index(['service_arn', 'occurred_at'], 'pull_errors_service_idx');
    table.index(['occurred_at'], 'pull_errors_occurred_at_idx');
  });

  await knex.schema.createTable('task_definitions', table => {
    table.comment('ECS task definitions by ARN; a revision never changes');
    table.string('arn', ARN).primary();
    table.string('family', 255).notNullable();
    table.integer('revision').notNullable();
    table
      .text('definition')
      .notNullable()
      .comment(
        'JSON: the TaskDefinition as DescribeTaskDefinition returned it',
      );
    table.string('fetched_at', TIMESTAMP).notNullable();
    table.index(['family', 'revision'], 'task_definitions_family_idx');
  });

  await knex.schema.createTable('documents', table => {
    table.comment('The engine document cache: registry documents by digest');
    table
      .string('digest', 160)
      .primary()
      .comment('sha256:<hex> or sha512:<hex>');
    table.binary('bytes').notNullable();
    table.integer('size').notNullable();
    table.string('stored_at', TIMESTAMP).notNullable();
    table.index(['stored_at'], 'documents_stored_at_idx');
  });

  await knex.schema.createTable('audit_runs', table => {
    table.comment('One row per audit run');
    table.increments('id');
    table.string('trigger', 32).notNullable().comment('schedule, manual, ...');
    table
      .string('status', 16)
      .notNullable()
      .comment('running, succeeded, partial or failed');
    table.string('started_at', TIMESTAMP).notNullable();
    table.string('finished_at', TIMESTAMP).nullable();
    table.integer('services_audited').notNullable().defaultTo(0);
    table.integer('entities_audited').notNullable().defaultTo(0);
    table
      .text('calls_by_api')
      .notNullable()
      .comment('JSON: { "ecs:DescribeServices": n, ... }');
    table.integer('cache_hits').notNullable().defaultTo(0);
    table.integer('cache_misses').notNullable().defaultTo(0);
    table
      .text('errors_by_account')
      .notNullable()
      .comment('JSON: { accountId: AuditError[] }');
    table.index(['started_at'], 'audit_runs_started_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_runs');
  await knex.schema.dropTable('documents');
  await knex.schema.dropTable('task_definitions');
  await knex.schema.dropTable('pull_errors');
  await knex.schema.dropTable('status_history');
  await knex.schema.dropTable('entity_services');
  await knex.schema.dropTable('entity_reports');
  await knex.schema.dropTable('service_reports');
};

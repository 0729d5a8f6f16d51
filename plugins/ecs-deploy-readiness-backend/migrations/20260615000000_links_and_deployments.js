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

// Issue 11, step 2: the link set of the last catalog link (shard tasks read their services from
// it), and the history that ECS keeps longer than stopped tasks: service deployments (90 days)
// and service events.

const ARN = 1024;
const TIMESTAMP = 32;

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('links', table => {
    table.comment(
      'Which ECS services each catalog entity links to, as of the last catalog link',
    );
    table
      .string('entity_ref', 512)
      .notNullable()
      .comment('The entity ref, lower case');
    table.string('service_arn', ARN).notNullable();
    table.string('account_id', 12).notNullable();
    table.string('region', 32).notNullable();
    table.string('service_name', 255).notNullable();
    table
      .string('via', 32)
      .notNullable()
      .comment('arn-annotation, tags, resource or depends-on');
    table
      .text('missing_reason')
      .nullable()
      .comment('Set by the shard audit when ECS does not have the service');
    table.primary(['entity_ref', 'service_arn'], 'links_pkey');
    table.index(['account_id', 'region'], 'links_shard_idx');
    table.index(['service_arn'], 'links_service_idx');
  });

  await knex.schema.createTable('link_errors', table => {
    table.comment('Entity-level link-error findings of the last catalog link');
    table.string('entity_ref', 512).primary();
    table
      .text('findings')
      .notNullable()
      .comment('JSON: Finding[] with fixKey and fixVars');
  });

  await knex.schema.createTable('service_deployments', table => {
    table.comment(
      'ECS service deployments (ListServiceDeployments, DescribeServiceDeployments): ECS keeps them 90 days',
    );
    table.string('deployment_arn', ARN).primary();
    table.string('service_arn', ARN).notNullable();
    table.string('account_id', 12).notNullable();
    table.string('region', 32).notNullable();
    table
      .string('status', 32)
      .notNullable()
      .comment(
        'PENDING, SUCCESSFUL, STOPPED, STOP_REQUESTED, IN_PROGRESS, ...',
      );
    table.text('status_reason').nullable();
    table.string('target_revision_arn', ARN).nullable();
    table.string('task_definition_arn', ARN).nullable();
    table
      .text('details')
      .notNullable()
      .comment('JSON: circuit breaker, rollback, alarms, container images');
    table.string('created_at', TIMESTAMP).notNullable();
    table.string('started_at', TIMESTAMP).nullable();
    table.string('finished_at', TIMESTAMP).nullable();
    table.string('recorded_at', TIMESTAMP).notNullable();
    table.index(
      ['service_arn', 'created_at'],
      'service_deployments_service_idx',
    );
    table.index(['created_at'], 'service_deployments_created_at_idx');
  });

  await knex.schema.createTable('service_events', table => {
    table.comment(
      'ECS service events about deployments and failures (ECS returns only the newest 100)',
    );
    table.increments('id');
    table.string('service_arn', ARN).notNullable();
    table
      .string('event_id', 64)
      .notNullable()
      .comment('The ECS event id, or a hash of time and message');
    table.text('message').notNullable().comment('Redacted');
    table
      .string('category', 64)
      .nullable()
      .comment('The pull-error category when the event is a pull failure');
    table.string('created_at', TIMESTAMP).notNullable();
    table.unique(['service_arn', 'event_id'], {
      indexName: 'service_events_service_event_uq',
    });
    table.index(['service_arn', 'created_at'], 'service_events_service_idx');
    table.index(['created_at'], 'service_events_created_at_idx');
  });

  await knex.schema.alterTable('audit_runs', table => {
    table
      .string('shard', 64)
      .nullable()
      .comment('<account>/<region> of a shard audit; null for a whole audit');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('audit_runs', table => {
    table.dropColumn('shard');
  });
  await knex.schema.dropTable('service_events');
  await knex.schema.dropTable('service_deployments');
  await knex.schema.dropTable('link_errors');
  await knex.schema.dropTable('links');
};

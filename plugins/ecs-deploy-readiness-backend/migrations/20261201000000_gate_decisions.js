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

// Issue 16: the decisions the deployment gate (packages/ecs-deploy-gate) reports at
// PRE_SCALE_UP, so the card can say which deployment the gate stopped and why before the next
// audit reads the service deployment from ECS.

const TIMESTAMP = 32;
const ARN = 1024;

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gate_decisions', table => {
    table.comment('Decisions of the deployment gate, as it reported them');
    table.bigIncrements('id').primary();
    table
      .string('decision_key', 64)
      .notNullable()
      .unique({ indexName: 'gate_decisions_key_idx' })
      .comment(
        'sha256 of the service, the revision, the stage and the execution id (or the time): a repeated report is stored once',
      );
    table.string('service_arn', ARN).notNullable();
    table.string('service_deployment_arn', ARN).nullable();
    table.string('target_service_revision_arn', ARN).notNullable();
    table.string('task_definition_arn', ARN).nullable();
    table.string('lifecycle_stage', 64).notNullable();
    table.string('execution_id', 255).nullable();
    table
      .string('hook_status', 32)
      .notNullable()
      .comment('What the gate answered ECS: SUCCEEDED or FAILED');
    table
      .string('decision', 32)
      .notNullable()
      .comment('ready, blocked, unverifiable-allowed, unverifiable-denied, …');
    table.string('readiness', 32).nullable();
    table.text('cause').nullable();
    table.text('fix').nullable();
    table.text('findings').notNullable().comment('JSON: the named findings');
    table.string('decided_at', TIMESTAMP).notNullable();
    table.string('received_at', TIMESTAMP).notNullable();
    table
      .string('reported_by', 255)
      .notNullable()
      .comment('The subject of the service principal that reported it');
    table.index(['service_arn', 'decided_at'], 'gate_decisions_service_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gate_decisions');
};

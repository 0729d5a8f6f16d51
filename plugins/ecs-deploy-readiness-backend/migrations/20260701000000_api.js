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

// Issue 12: what the HTTP API reads besides the reports. The catalog's view of each linked
// entity (title, owner, system) for the scorecard; the entity and the planned size of a manual
// audit run; and the pull-error fix key as a column, so that the per-service summaries and the
// per-day counts are answered from one index.

const TIMESTAMP = 32;

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('entities', table => {
    table.comment(
      'The catalog view of each linked entity, as of the last catalog link',
    );
    table
      .string('entity_ref', 512)
      .primary()
      .comment('The entity ref, lower case');
    table.string('kind', 255).notNullable().comment('As the catalog spells it');
    table.string('namespace', 255).notNullable();
    table.string('name', 255).notNullable();
    table.text('title').nullable().comment('metadata.title');
    table
      .string('owner', 512)
      .nullable()
      .comment('The target of the ownedBy relation, lower case');
    table
      .string('system', 512)
      .nullable()
      .comment('The target of the partOf relation to a System, lower case');
    table
      .string('updated_at', TIMESTAMP)
      .notNullable()
      .comment('When the row last changed');
    table.index(['owner'], 'entities_owner_idx');
    table.index(['system'], 'entities_system_idx');
  });

  await knex.schema.alterTable('audit_runs', table => {
    table
      .string('entity_ref', 512)
      .nullable()
      .comment('The entity of a manual audit, lower case');
    table
      .integer('services_total')
      .nullable()
      .comment(
        'The services the run set out to audit, when known at its start',
      );
    table.index(['entity_ref', 'started_at'], 'audit_runs_entity_idx');
  });

  await knex.schema.alterTable('pull_errors', table => {
    table
      .string('fix_key', 64)
      .nullable()
      .comment(
        'classified.fixKey; null on rows written before this column existed',
      );
  });
  const client = String(knex.client.config.client);
  if (client === 'pg') {
    await knex.raw(
      `UPDATE pull_errors SET fix_key = (classified::json ->> 'fixKey')`,
    );
  } else if (client.includes('sqlite')) {
    await knex.raw(
      `UPDATE pull_errors SET fix_key = json_extract(classified, '$.fixKey')`,
    );
  }
  // One index per service and time answers a page of a service (newest first, `id` breaking
  // ties, so a backward scan stops after one page), the category filter, the per-day counts,
  // the per-service summaries and the newest failure of a service, without reading the table
  // but for the rows of a page. It starts with the columns of pull_errors_service_idx, which it
  // replaces.
  await knex.schema.alterTable('pull_errors', table => {
    table.index(
      ['service_arn', 'occurred_at', 'id', 'category', 'fix_key'],
      'pull_errors_service_cover_idx',
    );
    table.dropIndex(['service_arn', 'occurred_at'], 'pull_errors_service_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('pull_errors', table => {
    table.index(['service_arn', 'occurred_at'], 'pull_errors_service_idx');
    table.dropIndex(
      ['service_arn', 'occurred_at', 'id', 'category', 'fix_key'],
      'pull_errors_service_cover_idx',
    );
  });
  await knex.schema.alterTable('pull_errors', table => {
    table.dropColumn('fix_key');
  });
  await knex.schema.alterTable('audit_runs', table => {
    table.dropIndex(['entity_ref', 'started_at'], 'audit_runs_entity_idx');
    table.dropColumn('services_total');
    table.dropColumn('entity_ref');
  });
  await knex.schema.dropTable('entities');
};

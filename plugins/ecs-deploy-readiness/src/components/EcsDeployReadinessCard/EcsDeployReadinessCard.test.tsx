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

import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type { AuditRunInfo } from '@ecs-readiness/backstage-plugin-ecs-deploy-readiness-common';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ecsDeployReadinessApiRef, EcsDeployReadinessApi } from '../../api';
import {
  DAY,
  STOREFRONT_ARN,
  entity,
  mockApi,
  mutableTagFinding,
  readiness,
  readyReadiness,
  service,
} from '../../__testUtils__/fixtures';
import { EcsDeployReadinessCard } from './EcsDeployReadinessCard';

async function renderCard(
  api: EcsDeployReadinessApi,
  options: { entity?: Entity; allowed?: boolean } = {},
) {
  const permission = mockApis.permission({
    authorize:
      options.allowed === false ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [ecsDeployReadinessApiRef, api],
        [permissionApiRef, permission],
      ]}
    >
      <EntityProvider entity={options.entity ?? entity('storefront-web')}>
        <EcsDeployReadinessCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

// react-aria and MUI render slowly in jsdom on a 2-core machine.
jest.setTimeout(20_000);

describe('EcsDeployReadinessCard', () => {
  it('shows a progress bar while the readiness loads', async () => {
    const api = mockApi({
      getEntityReadiness: jest.fn(() => new Promise(() => {})),
    });
    await renderCard(api);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows a blocked service: status, evidence, the confirming pull failures and the buildx fix', async () => {
    const api = mockApi();
    await renderCard(api);
    const status = await screen.findByTestId('readiness-status');
    expect(status).toHaveTextContent('Blocked');
    expect(api.getEntityReadiness).toHaveBeenCalledWith(
      'component:default/storefront-web',
    );
    expect(screen.getByTestId('readiness-summary')).toHaveTextContent(
      /1 blocking finding, 1 info · 1 service · last audited 5 minutes ago/,
    );

    const findings = screen.getAllByTestId('finding');
    // Worst first.
    expect(findings[0]).toHaveAttribute('data-severity', 'blocking');
    expect(findings[1]).toHaveAttribute('data-severity', 'info');
    const blocking = within(findings[0]);
    expect(
      blocking.getByText(
        'No linux/amd64 image in the index (it has linux/arm64)',
      ),
    ).toBeInTheDocument();
    expect(
      blocking.getByText(
        'index platforms: linux/arm64, unknown/unknown; task needs linux/amd64',
      ),
    ).toBeInTheDocument();
    expect(blocking.getByTestId('confirmed-by')).toHaveTextContent(
      /^Seen in 14 stopped tasks since \w+, last 2 hours ago$/,
    );
    // The blocking finding's fix is open, with the commands to copy.
    const fix = blocking.getByTestId('fix');
    expect(fix).toHaveTextContent(
      'docker buildx build --platform linux/amd64 --provenance=false',
    );
    expect(
      within(fix).getAllByRole('button', { name: /copy/i }).length,
    ).toBeGreaterThan(0);
    // The placeholders the backend could not fill come from the service.
    expect(fix).toHaveTextContent(
      'aws ecs update-service --cluster shop-prod --service storefront-web --force-new-deployment',
    );
    // Documentation opens in a new tab.
    const doc = within(fix).getByRole('link', {
      name: /Amazon ECS: CannotPullContainer task errors/,
    });
    expect(doc).toHaveAttribute('target', '_blank');

    // The service: what ECS runs, the platform checked, the failed rollout next to its cause.
    const svc = within(screen.getByTestId('service'));
    expect(svc.getByText('storefront-web')).toBeInTheDocument();
    expect(svc.getByText('sha256:1f2e3d4c5b6a')).toBeInTheDocument();
    expect(
      svc.getByText("linux/amd64 (Fargate's default: no runtimePlatform)"),
    ).toBeInTheDocument();
    expect(svc.getByTestId('deployment')).toHaveAttribute(
      'data-rollout',
      'FAILED',
    );
    expect(svc.getByTestId('rollout-cause')).toHaveTextContent(
      'ECS deployment circuit breaker: tasks failed to start. · cause: No linux/amd64 image in the index',
    );
    // The card points at the tab for the pull-error history.
    expect(screen.getByTestId('pull-errors-summary')).toHaveTextContent(
      '14 pull failures in the last 30 days, the latest 2 hours ago',
    );
  });

  it('shows a rollout stuck in progress next to its cause, and the previous deployment still running', async () => {
    const stuck = service({
      runningCount: 2,
      deployments: [
        {
          id: 'ecs-svc/9',
          status: 'PRIMARY',
          rolloutState: 'IN_PROGRESS',
          rolloutStateReason: 'ECS deployment ecs-svc/9 in progress.',
          taskDefinitionArn:
            'arn:aws:ecs:eu-west-1:111111111111:task-definition/storefront-web:9',
          desiredCount: 2,
          runningCount: 0,
          circuitBreaker: 'DISABLED',
        },
        {
          id: 'ecs-svc/8',
          status: 'ACTIVE',
          rolloutState: 'COMPLETED',
          taskDefinitionArn:
            'arn:aws:ecs:eu-west-1:111111111111:task-definition/storefront-web:8',
          desiredCount: 0,
          runningCount: 2,
        },
      ],
    });
    await renderCard(
      mockApi({
        getEntityReadiness: jest
          .fn()
          .mockResolvedValue(readiness({ services: [stuck] })),
      }),
    );
    const [current, previous] = await screen.findAllByTestId('deployment');
    expect(current).toHaveAttribute('data-failing', 'true');
    expect(current).toHaveTextContent(
      'Current deployment (storefront-web:9): rollout in progress · 0/2 tasks running',
    );
    expect(within(current).getByTestId('rollout-cause')).toHaveTextContent(
      'New tasks fail to start · cause: No linux/amd64 image in the index (it has linux/arm64)',
    );
    expect(previous).not.toHaveAttribute('data-failing');
    expect(previous).toHaveTextContent(
      'Previous deployment (storefront-web:8): still runs 2 tasks',
    );
  });

  it('shows a deployment that was rolled back, with the reason ECS gives (the deployment gate)', async () => {
    const rolledBack = service({
      recentDeployments: [
        {
          deploymentArn:
            'arn:aws:ecs:eu-west-1:111111111111:service-deployment/shop-prod/storefront-web/abc',
          status: 'ROLLBACK_SUCCESSFUL',
          statusReason:
            'Service deployment rolled back because lifecycle hook ecs-deploy-gate at PRE_SCALE_UP returned FAILED: No linux/amd64 image in the index (it has linux/arm64).',
          taskDefinitionArn:
            'arn:aws:ecs:eu-west-1:111111111111:task-definition/storefront-web:9',
          createdAt: new Date(Date.now() - 2 * 60_000).toISOString(),
          finishedAt: new Date(Date.now() - 60_000).toISOString(),
        },
        {
          deploymentArn:
            'arn:aws:ecs:eu-west-1:111111111111:service-deployment/shop-prod/storefront-web/def',
          status: 'SUCCESSFUL',
          createdAt: new Date(Date.now() - 3 * DAY).toISOString(),
        },
      ],
    });
    await renderCard(
      mockApi({
        getEntityReadiness: jest
          .fn()
          .mockResolvedValue(readiness({ services: [rolledBack] })),
      }),
    );

    const shown = await screen.findAllByTestId('rolled-back-deployment');
    expect(shown).toHaveLength(1);
    expect(shown[0]).toHaveTextContent(
      /Deployment of storefront-web:9 rollback successful/,
    );
    expect(shown[0]).toHaveTextContent(
      'lifecycle hook ecs-deploy-gate at PRE_SCALE_UP returned FAILED: No linux/amd64 image in the index',
    );
  });

  it('says which deployment the deployment gate stopped, with its cause and fix, before and after the audit reads it from ECS', async () => {
    const deploymentArn =
      'arn:aws:ecs:eu-west-1:111111111111:service-deployment/shop-prod/storefront-web/abc';
    const gate = {
      serviceArn: STOREFRONT_ARN,
      serviceDeploymentArn: deploymentArn,
      targetServiceRevisionArn:
        'arn:aws:ecs:eu-west-1:111111111111:service-revision/shop-prod/storefront-web/123',
      taskDefinitionArn:
        'arn:aws:ecs:eu-west-1:111111111111:task-definition/storefront-web:9',
      lifecycleStage: 'PRE_SCALE_UP',
      hookStatus: 'FAILED',
      decision: 'blocked',
      readiness: 'blocked',
      cause:
        'container web: No linux/amd64 image in the index (it has linux/arm64)',
      fix: 'Rebuild for linux/amd64 with docker buildx build --platform linux/amd64,linux/arm64',
      findings: [],
      decidedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
    };
    const letThrough = {
      ...gate,
      serviceDeploymentArn: undefined,
      taskDefinitionArn:
        'arn:aws:ecs:eu-west-1:111111111111:task-definition/storefront-web:10',
      hookStatus: 'SUCCEEDED',
      decision: 'unverifiable-allowed',
      readiness: 'unverifiable',
      cause: 'the registry did not answer within 20 s',
      fix: undefined,
      decidedAt: new Date(Date.now() - 60_000).toISOString(),
    };
    // Just reported: ECS's record of the deployment is not read yet.
    const reported = service({ gateDecisions: [letThrough, gate] });
    // After the next audit: the same deployment, rolled back, in the history too.
    const audited = service({
      gateDecisions: [gate],
      recentDeployments: [
        {
          deploymentArn,
          status: 'ROLLBACK_SUCCESSFUL',
          statusReason:
            'Service deployment rolled back because lifecycle hook ecs-deploy-gate at PRE_SCALE_UP returned FAILED.',
          taskDefinitionArn: gate.taskDefinitionArn,
          createdAt: gate.decidedAt,
          finishedAt: new Date(Date.now() - 90_000).toISOString(),
          gateDecision: gate,
        },
      ],
    });
    const getEntityReadiness = jest
      .fn()
      .mockResolvedValueOnce(readiness({ services: [reported] }))
      .mockResolvedValue(readiness({ services: [audited] }));

    const first = await renderCard(mockApi({ getEntityReadiness }));
    let shown = await screen.findAllByTestId('rolled-back-deployment');
    expect(shown).toHaveLength(2);
    expect(shown[0]).toHaveTextContent(
      /The deployment gate let storefront-web:10 through without verifying it/,
    );
    expect(shown[0]).toHaveTextContent(
      'the registry did not answer within 20 s',
    );
    expect(shown[1]).toHaveAttribute('data-gate', 'true');
    expect(shown[1]).toHaveTextContent(
      /Deployment of storefront-web:9 was stopped by the deployment gate 2 minutes ago/,
    );
    expect(shown[1]).toHaveTextContent(
      'container web: No linux/amd64 image in the index (it has linux/arm64)',
    );
    expect(shown[1]).toHaveTextContent(
      'Fix: Rebuild for linux/amd64 with docker buildx build',
    );
    first.unmount();

    await renderCard(mockApi({ getEntityReadiness }));
    shown = await screen.findAllByTestId('rolled-back-deployment');
    // One line for the deployment: the gate's, not ECS's generic reason beside it.
    expect(shown).toHaveLength(1);
    expect(shown[0]).toHaveTextContent(
      /Deployment of storefront-web:9 was stopped by the deployment gate/,
    );
    expect(shown[0]).not.toHaveTextContent('returned FAILED.');
  });

  it('says "no findings" for a ready service, which is not the same as not audited', async () => {
    await renderCard(
      mockApi({
        getEntityReadiness: jest.fn().mockResolvedValue(readyReadiness),
      }),
      {
        entity: entity('checkout-api'),
      },
    );
    expect(await screen.findByTestId('readiness-status')).toHaveTextContent(
      'Ready',
    );
    expect(screen.getByTestId('no-findings')).toBeInTheDocument();
    expect(screen.queryByTestId('not-audited')).not.toBeInTheDocument();
    expect(screen.queryByTestId('pull-errors-summary')).not.toBeInTheDocument();
  });

  it('shows "not audited yet" when the backend has no report (404)', async () => {
    const api = mockApi({
      getEntityReadiness: jest.fn().mockResolvedValue(undefined),
    });
    await renderCard(api);
    expect(await screen.findByTestId('not-audited')).toHaveTextContent(
      'Not audited yet',
    );
    expect(screen.queryByTestId('no-findings')).not.toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Audit now' }),
    ).toBeInTheDocument();
  });

  it('asks for the annotation when the entity has none and no report', async () => {
    const api = mockApi({
      getEntityReadiness: jest.fn().mockResolvedValue(undefined),
    });
    await renderCard(api, { entity: entity('plain', {}) });
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/aws\.amazon\.com\/amazon-ecs-service-arn/).length,
    ).toBeGreaterThan(0);
    expect(
      screen.queryByRole('button', { name: /audit/i }),
    ).not.toBeInTheDocument();
  });

  it('shows the report of an entity linked through a Resource it depends on, without an annotation', async () => {
    await renderCard(mockApi(), { entity: entity('plain', {}) });
    expect(await screen.findByTestId('readiness-status')).toHaveTextContent(
      'Blocked',
    );
  });

  it('works on other kinds than Component', async () => {
    const api = mockApi();
    await renderCard(api, {
      entity: entity(
        'storefront-svc',
        {
          'aws.amazon.com/arn':
            'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/storefront-web',
        },
        'Resource',
        { type: 'ecs-service', owner: 'team-web' },
      ),
    });
    expect(await screen.findByTestId('readiness-status')).toHaveTextContent(
      'Blocked',
    );
    expect(api.getEntityReadiness).toHaveBeenCalledWith(
      'resource:default/storefront-svc',
    );
  });

  it('shows the backend error in a ResponseErrorPanel', async () => {
    const response = new Response(
      JSON.stringify({ error: { name: 'Error', message: 'database is down' } }),
      {
        status: 500,
        statusText: 'Internal Server Error',
        headers: { 'content-type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    await renderCard(
      mockApi({ getEntityReadiness: jest.fn().mockRejectedValue(error) }),
    );
    expect(
      await screen.findByText(/Could not read the deploy readiness/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is down/).length).toBeGreaterThan(0);
  });

  it('warns when the last audit failed, naming what failed', async () => {
    await renderCard(
      mockApi({
        getEntityReadiness: jest.fn().mockResolvedValue(
          readiness({
            stale: true,
            lastAudited: undefined,
            staleSince: new Date(Date.now() - DAY).toISOString(),
            staleErrors: [
              {
                code: 'AccessDeniedException',
                message:
                  'User is not authorized to perform ecs:DescribeServices',
                accountId: '333333333333',
                region: 'eu-west-1',
                api: 'ecs:DescribeServices',
                permission: 'ecs:DescribeServices',
              },
            ],
          }),
        ),
      }),
    );
    const warning = await screen.findByTestId('stale-warning');
    expect(warning).toHaveTextContent('The last audit failed (yesterday)');
    expect(warning).toHaveTextContent(
      'AccessDeniedException on ecs:DescribeServices (333333333333 eu-west-1)',
    );
    expect(screen.getByTestId('readiness-summary')).toHaveTextContent(
      'last audit failed',
    );
  });

  it('lists several services behind one entity, each finding with its service', async () => {
    const second = service({
      serviceArn:
        'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/storefront-worker',
      serviceName: 'storefront-worker',
      status: 'at-risk',
      findings: [mutableTagFinding],
      counts: { blocking: 0, risk: 1, info: 0 },
      deployments: [],
    });
    await renderCard(
      mockApi({
        getEntityReadiness: jest.fn().mockResolvedValue(
          readiness({
            counts: { blocking: 1, risk: 1, info: 1 },
            serviceCounts: { blocked: 1, 'at-risk': 1 },
            services: [service(), second],
          }),
        ),
      }),
    );
    expect(await screen.findAllByTestId('service')).toHaveLength(2);
    expect(screen.getByText('Services (2)')).toBeInTheDocument();
    expect(screen.getByTestId('readiness-summary')).toHaveTextContent(
      '2 services (1 blocked, 1 at risk)',
    );
    const findings = screen.getAllByTestId('finding');
    expect(findings.map(f => f.getAttribute('data-severity'))).toEqual([
      'blocking',
      'risk',
      'info',
    ]);
    expect(findings[1]).toHaveTextContent(
      'service storefront-worker · container web',
    );
  });

  it('re-audits: shows progress, then reads the readiness again', async () => {
    const api = mockApi();
    api.getEntityReadiness
      .mockResolvedValueOnce(readiness())
      .mockResolvedValueOnce(readyReadiness);
    api.startAudit.mockResolvedValue({
      id: 42,
      trigger: 'manual',
      status: 'running',
      entityRef: 'component:default/storefront-web',
      startedAt: new Date().toISOString(),
      servicesTotal: 1,
      servicesAudited: 0,
      entitiesAudited: 0,
      errorsByAccount: {},
    });
    const succeededRun: AuditRunInfo = {
      id: 42,
      trigger: 'manual',
      status: 'succeeded',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      servicesTotal: 1,
      servicesAudited: 1,
      entitiesAudited: 1,
      errorsByAccount: {},
    };
    // The run finishes when the test says so.
    let finish!: () => void;
    const finished = new Promise<void>(resolve => {
      finish = resolve;
    });
    api.getAuditRun.mockImplementation(async () => {
      await finished;
      return succeededRun;
    });
    await renderCard(api);
    expect(await screen.findByTestId('readiness-status')).toHaveTextContent(
      'Blocked',
    );
    await userEvent.click(screen.getByRole('button', { name: /Re-audit now/ }));
    expect(await screen.findByTestId('reaudit-progress')).toHaveTextContent(
      'Auditing now: 0 of 1 service audited',
    );
    expect(api.startAudit).toHaveBeenCalledWith(
      'component:default/storefront-web',
      expect.anything(),
    );
    finish();
    await waitFor(
      () =>
        expect(screen.getByTestId('readiness-status')).toHaveTextContent(
          'Ready',
        ),
      { timeout: 4000 },
    );
    expect(api.getAuditRun).toHaveBeenCalledWith(42, expect.anything());
    expect(screen.getByTestId('reaudit-progress')).toHaveTextContent(
      '1 service checked',
    );
  });

  it('says why a re-audit could not start', async () => {
    const api = mockApi();
    api.startAudit.mockRejectedValue(new Error('Too many requests'));
    await renderCard(api);
    await userEvent.click(
      await screen.findByRole('button', { name: /Re-audit now/ }),
    );
    expect(await screen.findByTestId('reaudit-progress')).toHaveTextContent(
      'The audit could not start: Too many requests',
    );
  });

  it('hides "Re-audit now" without the permission', async () => {
    const permission = mockApis.permission({ authorize: AuthorizeResult.DENY });
    const authorize = jest.spyOn(permission, 'authorize');
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [ecsDeployReadinessApiRef, mockApi()],
          [permissionApiRef, permission],
        ]}
      >
        {/* An entity of its own: usePermission caches answers by permission and resource. */}
        <EntityProvider entity={entity('orders')}>
          <EcsDeployReadinessCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('readiness-status')).toHaveTextContent(
      'Blocked',
    );
    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'ecs-deploy-readiness.audit.run',
          }),
          resourceRef: 'component:default/orders',
        }),
      ),
    );
    expect(
      screen.queryByRole('button', { name: /Re-audit now/ }),
    ).not.toBeInTheDocument();
  });
});

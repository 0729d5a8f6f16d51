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

/*
 * The actions as an MCP client sees them: the plugin and @backstage/plugin-mcp-actions-backend in
 * one backend, the demo scenario audited against the sandbox, and the MCP SDK's client speaking
 * streamable HTTP to /api/mcp-actions/v1.
 */

import type { Server } from 'http';
import { mockCredentials } from '@backstage/backend-test-utils';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Sandbox } from 'ecs-sandbox';
import { startDemoBackend } from '../__testUtils__/demoBackend';

let sandbox: Sandbox;
let server: Server;
let client: Client;

beforeAll(async () => {
  ({ sandbox, server } = await startDemoBackend({
    features: [mcpActionsPlugin],
    config: {
      backend: { actions: { pluginSources: ['ecs-deploy-readiness'] } },
    },
  }));

  const { port } = server.address() as { port: number };
  client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`http://localhost:${port}/api/mcp-actions/v1`),
      {
        requestInit: {
          headers: { Authorization: mockCredentials.user.header() },
        },
      },
    ),
  );
}, 120_000);

afterAll(async () => {
  await client?.close();
  await sandbox?.stop();
});

const structured = (result: Awaited<ReturnType<Client['callTool']>>) => {
  const content = result.content as Array<{ type: string; text: string }>;
  return JSON.parse(content.find(c => c.type === 'text')!.text);
};

describe('the actions over MCP', () => {
  it('lists both actions as read-only tools with input schemas', async () => {
    const { tools } = await client.listTools();
    const ours = tools.filter(t => t.name.startsWith('ecs-deploy-readiness'));

    expect(ours.map(t => t.name).sort()).toEqual([
      'ecs-deploy-readiness.check-image',
      'ecs-deploy-readiness.get-readiness',
    ]);
    for (const tool of ours) {
      expect(tool.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
      });
    }
    expect(
      ours.find(t => t.name.endsWith('get-readiness'))!.inputSchema,
    ).toMatchObject({ required: ['entityRef'] });
  });

  it('answers get-readiness for the blocked demo service with its cause and fix', async () => {
    const result = await client.callTool({
      name: 'ecs-deploy-readiness.get-readiness',
      arguments: { entityRef: 'component:default/storefront-web' },
    });

    expect(result.isError).toBeFalsy();
    const output = structured(result);
    expect(output).toMatchObject({
      entityRef: 'component:default/storefront-web',
      status: 'blocked',
      url: 'http://localhost:3000/catalog/default/component/storefront-web/ecs-deploy-readiness',
    });
    const blocking = output.findings.filter(
      (f: { severity: string }) => f.severity === 'blocking',
    );
    expect(blocking.map((f: { id: string }) => f.id)).toContain(
      'platform-missing',
    );
    const finding = blocking.find(
      (f: { id: string }) => f.id === 'platform-missing',
    );
    expect(finding.cause).toMatch(/platform|amd64|arm64/i);
    expect(finding.fix.title).toEqual(expect.any(String));
    expect(finding.fix.steps.length).toBeGreaterThan(0);
  });

  it('says which entity does not exist, as a tool error', async () => {
    const result = await client.callTool({
      name: 'ecs-deploy-readiness.get-readiness',
      arguments: { entityRef: 'component:default/no-such-service' },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/no-such-service/);
  });

  it('checks an image reference for a platform', async () => {
    const readiness = structured(
      await client.callTool({
        name: 'ecs-deploy-readiness.get-readiness',
        arguments: { entityRef: 'storefront-web' },
      }),
    );
    const image = readiness.findings.find(
      (f: { id: string; image?: string }) =>
        f.id === 'platform-missing' && f.image,
    ).image as string;

    const result = await client.callTool({
      name: 'ecs-deploy-readiness.check-image',
      arguments: { image, platform: 'linux/amd64' },
    });

    expect(result.isError).toBeFalsy();
    const output = structured(result);
    expect(output.image).toBe(image);
    expect(output.findings.map((f: { id: string }) => f.id)).toContain(
      'platform-missing',
    );
  });
});

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

// Classified pull errors carry `fixKey` and `fixVars`; these tests render them as the CLI, the
// router and the card do, with `fixFor`, so the two halves are tested together here and neither
// `classify/` nor `fixes/` imports the other.
import { classifyPullError } from './classify';
import { fixFor } from './fixes';
import { REAL_MESSAGES } from './classify/__fixtures__/realMessages';

const DIGEST = `sha256:${'0123abcd'.repeat(8)}`;
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

function render(message: string) {
  const result = classifyPullError(message);
  return { result, fix: fixFor(result.fixKey, result.fixVars) };
}

describe('a classified pull error, rendered', () => {
  it.each(REAL_MESSAGES.map(([m]) => m))('is complete for %s', message => {
    const { fix } = render(message);
    expect(fix.title.length).toBeGreaterThan(10);
    expect(fix.summary.length).toBeGreaterThan(50);
    expect(fix.steps.length).toBeGreaterThan(0);
    expect(fix.docs.length).toBeGreaterThan(0);
  });

  it('fills the commands with what the message revealed', () => {
    const { fix } = render(
      `CannotPullContainerError: Error response from daemon: manifest for ${ECR}/team/api:1.4@${DIGEST} not found: manifest unknown: Requested image not found`,
    );
    expect(fix.title).toBe('The image digest the deployment runs was deleted');
    expect(fix.steps[0].command).toContain(
      `--region eu-west-1 --repository-name team/api --image-ids imageDigest=${DIGEST}`,
    );
  });

  it('names the wanted platform in the title and the build command', () => {
    const { fix } = render(
      `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref "node:20-alpine": image Manifest does not contain descriptor matching platform 'linux/arm64/v8'`,
    );
    expect(fix.title).toBe(
      'The image has no variant for the task platform (linux/arm64/v8)',
    );
    expect(fix.steps.map(s => s.command).join('\n')).toContain(
      'docker buildx build --platform linux/arm64/v8 --provenance=false --sbom=false -t node:20-alpine --push .',
    );
  });

  it.each(['<ACCOUNT>', '***', 'xxxxxxxxxxxx', '************'])(
    'never puts the mask %s into a command',
    mask => {
      const { fix } = render(
        `CannotPullContainerError: Error response from daemon: manifest for ${mask}.dkr.ecr.us-west-2.amazonaws.com/payments:2.0 not found: manifest unknown: Requested image not found`,
      );
      const commands = fix.steps.map(s => s.command ?? '').join('\n');
      expect(commands).not.toContain(mask === '***' ? '***.dkr' : mask);
      expect(commands).toContain('--repository-name payments');
    },
  );

  it('explains a missing blob with the narrower entry', () => {
    const { result, fix } = render(
      `failed to copy: httpReadSeeker: failed open: content at https://${ECR}/v2/app/blobs/${DIGEST} not found: not found`,
    );
    expect(result.category).toBe('other');
    expect(fix.title).toMatch(/missing from the registry/);
  });

  it('renders a stored classification the same way as a fresh one', () => {
    const message = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ECR}/shop:v7: ${ECR}/shop:v7: not found`;
    const { result, fix } = render(message);
    const stored = JSON.parse(JSON.stringify(result));
    expect(fixFor(stored.fixKey, stored.fixVars)).toEqual(fix);
  });
});

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

import { AwsCallError, describeAwsError, redactAwsText } from './errors';

describe('describeAwsError', () => {
  it('names the code, the API and the permission AWS denied, without credentials', () => {
    const cause = Object.assign(
      new Error(
        'User: arn:aws:sts::333333333333:assumed-role/R/backstage is not authorized to perform: ecs:ListTasks on resource: * (key AKIAABCDEFGHIJKLMNOP, X-Amz-Security-Token=abc123)',
      ),
      { name: 'AccessDeniedException' },
    );
    const error = describeAwsError(new AwsCallError('ecs:ListTasks', cause), {
      accountId: '333333333333',
      region: 'eu-west-1',
    });
    expect(error).toMatchObject({
      code: 'AccessDeniedException',
      api: 'ecs:ListTasks',
      permission: 'ecs:ListTasks',
      accountId: '333333333333',
      region: 'eu-west-1',
    });
    expect(error.message).not.toMatch(/AKIAABCDEFGHIJKLMNOP|abc123/);
  });

  it('tells cancellation and a missing account apart from AWS errors', () => {
    const abort = Object.assign(new Error('Request aborted'), {
      name: 'AbortError',
    });
    expect(describeAwsError(abort, {}).code).toBe('Canceled');
    expect(
      describeAwsError(
        new Error('There is no AWS integration that matches 444444444444.'),
        {},
      ).code,
    ).toBe('AccountNotConfigured');
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
    });
    expect(describeAwsError(throttled, { api: 'ecs:DescribeTasks' })).toEqual({
      code: 'ThrottlingException',
      message: 'Rate exceeded',
      api: 'ecs:DescribeTasks',
    });
  });

  it('redacts session keys', () => {
    expect(redactAwsText('ASIAABCDEFGHIJKLMNOP signature=zzz')).toBe(
      '[redacted] signature=[redacted]',
    );
  });
});

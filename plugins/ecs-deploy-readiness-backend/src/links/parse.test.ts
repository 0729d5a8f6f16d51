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

import { parseServiceArn, parseServiceArnList, parseTagQuery } from './parse';

const LONG =
  'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/checkout-api';

describe('parseServiceArn', () => {
  it('reads a long ARN', () => {
    expect(parseServiceArn(LONG)).toEqual({
      ok: true,
      value: {
        arn: LONG,
        partition: 'aws',
        region: 'eu-west-1',
        accountId: '111111111111',
        cluster: 'shop-prod',
        serviceName: 'checkout-api',
        format: 'long',
      },
    });
  });

  it('reads a short ARN, without a cluster', () => {
    const result = parseServiceArn(
      'arn:aws:ecs:us-east-1:222222222222:service/legacy_svc',
    );
    expect(result).toEqual({
      ok: true,
      value: {
        arn: 'arn:aws:ecs:us-east-1:222222222222:service/legacy_svc',
        partition: 'aws',
        region: 'us-east-1',
        accountId: '222222222222',
        serviceName: 'legacy_svc',
        format: 'short',
      },
    });
    expect(result.ok && 'cluster' in result.value).toBe(false);
  });

  it.each([
    ['aws-cn', 'cn-north-1'],
    ['aws-cn', 'cn-northwest-1'],
    ['aws-us-gov', 'us-gov-west-1'],
    ['aws', 'ap-southeast-4'],
    ['aws', 'il-central-1'],
  ])('accepts partition %s with region %s', (partition, region) => {
    const result = parseServiceArn(
      `arn:${partition}:ecs:${region}:123456789012:service/c/s`,
    );
    expect(result.ok && result.value.partition).toBe(partition);
  });

  it('trims spaces around the ARN', () => {
    const result = parseServiceArn(`  ${LONG}\n`);
    expect(result.ok && result.value.arn).toBe(LONG);
  });

  it.each([
    ['', 'the ARN is empty'],
    ['checkout-api', 'is not an ARN'],
    ['arn:aws:ecs:eu-west-1:111111111111', 'has 5 colon-separated parts'],
    [`${LONG}:extra`, 'has 7 colon-separated parts'],
    [
      'arn:aws-iso:ecs:us-iso-east-1:111111111111:service/c/s',
      'partition "aws-iso"',
    ],
    ['arn:aws:ecr:eu-west-1:111111111111:repository/app', 'ARN of "ecr"'],
    ['arn:aws:ecs::111111111111:service/c/s', 'the region is missing'],
    ['arn:aws:ecs:EU-WEST-1:111111111111:service/c/s', 'not an AWS region'],
    [
      'arn:aws:ecs:cn-north-1:111111111111:service/c/s',
      'in partition aws-cn, not aws',
    ],
    [
      'arn:aws-us-gov:ecs:eu-west-1:111111111111:service/c/s',
      'in partition aws, not aws-us-gov',
    ],
    [
      'arn:aws:ecs:eu-west-1:11111111111:service/c/s',
      '"11111111111" is not a 12-digit',
    ],
    ['arn:aws:ecs:eu-west-1::service/c/s', 'the account id is missing'],
    [
      'arn:aws:ecs:eu-west-1:111111111111:cluster/shop-prod',
      'ARN of a cluster',
    ],
    ['arn:aws:ecs:eu-west-1:111111111111:task/shop-prod/abc', 'ARN of a task'],
    [
      'arn:aws:ecs:eu-west-1:111111111111:task-definition/app:3',
      'has 7 colon-separated',
    ],
    [
      'arn:aws:ecs:eu-west-1:111111111111:service',
      'is not service/<cluster>/<service>',
    ],
    [
      'arn:aws:ecs:eu-west-1:111111111111:service/a/b/c',
      'is not service/<cluster>/<service>',
    ],
    [
      'arn:aws:ecs:eu-west-1:111111111111:service/shop-prod/',
      'has an empty name',
    ],
    [
      'arn:aws:ecs:eu-west-1:111111111111:service/shop.prod/app',
      '"shop.prod" is not an ECS name',
    ],
    [
      `arn:aws:ecs:eu-west-1:111111111111:service/c/${'a'.repeat(256)}`,
      'is not an ECS name',
    ],
    [
      'arn:aws:ecs:eu-west-1:111111111111:service/c/my app',
      'contains white space',
    ],
  ])('rejects %j: %s', (input, reason) => {
    const result = parseServiceArn(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('never throws on values that are not strings', () => {
    expect(parseServiceArn(undefined)).toEqual({
      ok: false,
      reason: 'the ARN is not a string',
    });
    expect(parseServiceArn({ arn: LONG }).ok).toBe(false);
  });
});

describe('parseServiceArnList', () => {
  const OTHER = 'arn:aws:ecs:us-east-1:222222222222:service/tools/autotag';

  it('reads one ARN or several separated by commas, with spaces', () => {
    expect(parseServiceArnList(LONG).arns.map(a => a.arn)).toEqual([LONG]);
    const { arns, problems } = parseServiceArnList(` ${LONG} ,\n  ${OTHER}  `);
    expect(arns.map(a => a.arn)).toEqual([LONG, OTHER]);
    expect(problems).toEqual([]);
  });

  it('keeps the good ARNs next to the bad items, with their positions', () => {
    const { arns, problems } = parseServiceArnList(
      `${LONG},,not-an-arn,${OTHER},`,
    );
    expect(arns.map(a => a.arn)).toEqual([LONG, OTHER]);
    expect(problems).toEqual([
      {
        position: 2,
        item: '',
        reason: expect.stringContaining('item 2 of 5 is empty'),
      },
      {
        position: 3,
        item: 'not-an-arn',
        reason: expect.stringContaining('is not an ARN'),
      },
      {
        position: 5,
        item: '',
        reason: expect.stringContaining('item 5 of 5 is empty'),
      },
    ]);
  });

  it('reports an empty annotation', () => {
    for (const value of ['', '   ', undefined]) {
      const { arns, problems } = parseServiceArnList(value);
      expect(arns).toEqual([]);
      expect(problems).toEqual([
        expect.objectContaining({
          reason: expect.stringContaining('the annotation is empty'),
        }),
      ]);
    }
  });
});

describe('parseTagQuery', () => {
  it('reads key=value pairs, trimming spaces, in a canonical spelling', () => {
    expect(parseTagQuery(' env = production , app=recommendations')).toEqual({
      ok: true,
      value: {
        filters: [
          { key: 'env', values: ['production'] },
          { key: 'app', values: ['recommendations'] },
        ],
        canonical: 'app=recommendations,env=production',
      },
    });
  });

  it('gives equal queries the same canonical text', () => {
    const a = parseTagQuery('app=x,env=prod');
    const b = parseTagQuery('env=prod, app=x');
    expect(a.ok && b.ok && a.value.canonical === b.value.canonical).toBe(true);
  });

  it('keeps "=" inside values, spaces inside values, and empty values', () => {
    const result = parseTagQuery(
      'aws:cloudformation:stack-name=shop,expr=a=b,team=Team Discovery,flag=',
    );
    expect(result.ok && result.value.filters).toEqual([
      { key: 'aws:cloudformation:stack-name', values: ['shop'] },
      { key: 'expr', values: ['a=b'] },
      { key: 'team', values: ['Team Discovery'] },
      { key: 'flag', values: [''] },
    ]);
  });

  it.each([
    ['', 'the annotation is empty'],
    ['  ', 'the annotation is empty'],
    ['app=x,,env=prod', 'item 2 of 3 is empty'],
    ['app=x,', 'item 2 of 2 is empty'],
    [',app=x', 'item 1 of 2 is empty'],
    ['app', 'item 1 ("app") has no "="'],
    ['app=x,env', 'item 2 ("env") has no "="'],
    ['=x', 'has no key'],
    ['env=prod,env=staging', 'key "env" is given twice'],
    [`${'k'.repeat(129)}=v`, 'a tag key has at most 128'],
    [`k=${'v'.repeat(257)}`, 'a tag value has at most 256'],
    [Array.from({ length: 51 }, (_, i) => `k${i}=v`).join(','), 'at most 50'],
  ])('rejects %j: %s', (input, reason) => {
    const result = parseTagQuery(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('never throws on values that are not strings', () => {
    expect(parseTagQuery(42).ok).toBe(false);
  });
});

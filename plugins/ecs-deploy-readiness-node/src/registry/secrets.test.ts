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

import { REDACTED, SecretRedactor } from './secrets';

describe('SecretRedactor', () => {
  it('redacts a registered password in every form it travels in', () => {
    const r = new SecretRedactor();
    r.addCredentials({ username: 'ci-bot', password: 's3cr3t-pw' });
    const basic = Buffer.from('ci-bot:s3cr3t-pw').toString('base64');
    const text = `denied: got ${basic} and s3cr3t-pw and ci-bot:s3cr3t-pw`;
    const out = r.redact(text);
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain(basic);
    expect(out).toContain(REDACTED);
  });

  it('redacts credential-shaped values it was never given', () => {
    const r = new SecretRedactor();
    const out = r.redact(
      'echo: Authorization: Bearer eyJhbGciOi.abc.def; url https://bob:hunter22@registry.example/v2/',
    );
    expect(out).not.toContain('eyJhbGciOi');
    expect(out).not.toContain('hunter22');
    expect(out).toContain('https://[redacted]@registry.example');
  });

  it('keeps challenges and ordinary text readable', () => {
    const r = new SecretRedactor();
    r.add('abc'); // too short to be treated as a secret
    const text =
      'unsupported scheme: Basic realm="Registry Realm" (abc); manifest unknown';
    expect(r.redact(text)).toBe(text);
  });

  it('keeps prose about schemes readable', () => {
    const r = new SecretRedactor();
    for (const text of [
      'no basic auth credentials',
      'unsupported: Basic authentication is required',
      'Authorization: Bearer realm="https://auth.example/token"',
      'a bearer token was refused',
    ]) {
      expect(r.redact(text)).toBe(text);
    }
    expect(r.redact('Authorization: Basic dXNlcjpwYXNz')).toBe(
      'Authorization: Basic [redacted]',
    );
  });

  it('redacts strings deep inside a value without changing its shape', () => {
    const r = new SecretRedactor();
    r.add('tok-123456');
    const value = {
      findings: [{ evidence: { message: 'echo tok-123456' }, n: 1 }],
    };
    expect(r.redactValue(value)).toEqual({
      findings: [{ evidence: { message: `echo ${REDACTED}` }, n: 1 }],
    });
    expect(value.findings[0].evidence.message).toBe('echo tok-123456');
  });

  it('keeps dates and buffers as they are', () => {
    const r = new SecretRedactor();
    const at = new Date(0);
    const bytes = Buffer.from('x');
    const out = r.redactValue({ at, bytes, list: [at] });
    expect(out.at).toBe(at);
    expect(out.bytes).toBe(bytes);
    expect(out.list[0]).toBe(at);
  });

  it('copies an object met twice, and cuts only a cycle', () => {
    const r = new SecretRedactor();
    const shared = { message: 'same' };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(r.redactValue({ a: shared, b: [shared], cyclic })).toEqual({
      a: { message: 'same' },
      b: [{ message: 'same' }],
      cyclic: { name: 'loop', self: undefined },
    });
  });
});

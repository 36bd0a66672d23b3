// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ApiError, fieldName, problemFromResponse, splitFieldErrors, toProblem } from './problem';

describe('problem+json', () => {
  it('reads a full RFC 9457 problem with field errors', async () => {
    const res = new Response(
      JSON.stringify({
        type: 'https://ayni.app/problems/validation-error',
        title: 'Invalid input',
        status: 422,
        detail: 'Check the fields',
        instance: 'req-123',
        errors: [
          { field: 'body.email', message: 'Not an email', code: 'invalid-email' },
          { field: ['body', 'password'], message: 'Too short', code: 'password-too-short', limit: 8 },
          { field: 'body.sleep_ms', message: 'Too large', code: 'too-large', limit: '10000' },
          { field: 'body.full_name', message: 'From an older API' },
          { nope: 1 },
        ],
      }),
      { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
    );
    const error = await problemFromResponse(res);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.slug).toBe('validation-error');
    expect(error.problem).toEqual({
      type: 'https://ayni.app/problems/validation-error',
      title: 'Invalid input',
      status: 422,
      detail: 'Check the fields',
      instance: 'req-123',
      errors: [
        { field: 'body.email', message: 'Not an email', code: 'invalid-email' },
        { field: 'body.password', message: 'Too short', code: 'password-too-short', limit: 8 },
        { field: 'body.sleep_ms', message: 'Too large', code: 'too-large' },
        { field: 'body.full_name', message: 'From an older API', code: '' },
      ],
    });
  });

  it('builds a problem from a non-JSON or broken answer, with X-Request-ID as instance', async () => {
    const html = await problemFromResponse(
      new Response('<h1>oops</h1>', { status: 500, statusText: 'Internal Server Error', headers: { 'Content-Type': 'text/html', 'X-Request-ID': 'abc' } }),
    );
    expect(html.problem).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: 'abc' });
    const broken = await problemFromResponse(new Response('{', { status: 502, headers: { 'Content-Type': 'application/json' } }));
    expect(broken.problem).toEqual({ type: 'about:blank', title: 'HTTP 502', status: 502 });
  });

  it('reads Retry-After in seconds or as a date', async () => {
    const seconds = await problemFromResponse(new Response(null, { status: 429, headers: { 'Retry-After': '30' } }));
    expect(seconds.retryAfter).toBe(30);
    const date = await problemFromResponse(
      new Response(null, { status: 429, headers: { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() } }),
    );
    expect(date.retryAfter).toBeGreaterThan(55);
    const junk = await problemFromResponse(new Response(null, { status: 429, headers: { 'Retry-After': 'soon' } }));
    expect(junk.retryAfter).toBeNull();
  });

  it('maps field paths to field names and splits unknown ones out', () => {
    expect(fieldName('body.email')).toBe('email');
    expect(fieldName('body/new_password')).toBe('new_password');
    expect(fieldName('')).toBe('');
    const taken = { field: 'email', message: 'taken', code: 'invalid-value' };
    const plan = { field: 'plan', message: 'bad plan', code: 'invalid-value' };
    const problem = toProblem({ errors: [taken, { ...taken, message: 'again' }, plan] }, 422, '', null);
    // One error per field is enough to show; a field the form doesn't have goes to the rest.
    expect(splitFieldErrors(problem, ['email', 'password'])).toEqual({ fields: { email: taken }, rest: [plan] });
    expect(splitFieldErrors(toProblem(null, 400, '', null), ['email'])).toEqual({ fields: {}, rest: [] });
  });

  it('knows the slug of Ayni problem types only', () => {
    expect(new ApiError(toProblem({ type: 'https://ayni.app/problems/email-taken' }, 409, '', null)).slug).toBe('email-taken');
    expect(new ApiError(toProblem({ type: 'https://proxy.example/problems/email-taken' }, 409, '', null)).slug).toBe('');
    expect(new ApiError(toProblem(null, 502, '', null)).slug).toBe('');
  });

  it('uses detail, else title, as the message', () => {
    expect(new ApiError(toProblem({ title: 'Nope' }, 403, '', null)).message).toBe('Nope');
    expect(new ApiError(toProblem({ title: 'Nope', detail: 'Because' }, 403, '', null)).message).toBe('Because');
  });
});

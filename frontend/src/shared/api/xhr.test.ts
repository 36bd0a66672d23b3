import { describe, expect, it, vi } from 'vitest';
import { NetworkError } from './problem';
import { xhrAttempt } from './xhr';

/** The last XMLHttpRequest made, as a test drives it: what was set on it, and its events to fire. */
class FakeXhr {
  static last: FakeXhr;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  statusText = '';
  responseText = '';
  opened: [string, string] | null = null;
  headers: Record<string, string> = {};
  sent: unknown = null;
  answerHeaders = '';
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.opened = [method, url];
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getAllResponseHeaders() {
    return this.answerHeaders;
  }
  send(body: unknown) {
    this.sent = body;
  }
  abort() {
    this.onabort?.();
  }
  answer(status: number, text: string, headers = '') {
    Object.assign(this, { status, statusText: 'OK', responseText: text, answerHeaders: headers });
    this.onload?.();
  }
}

describe('xhrAttempt', () => {
  const file = new Blob(['a'.repeat(100)]);

  it('sends the file with its type and the token, reports progress, and answers a Response', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const progress: [number, number][] = [];
    const answer = xhrAttempt({ method: 'POST', body: file, contentType: 'text/csv', onProgress: (sent, total) => progress.push([sent, total]) })(
      '/api/v1/up',
      'tok',
    );
    const xhr = FakeXhr.last;
    expect(xhr.opened).toEqual(['POST', '/api/v1/up']);
    expect(xhr.headers).toEqual({ Accept: 'application/json, application/problem+json', 'Content-Type': 'text/csv', Authorization: 'Bearer tok' });
    expect(xhr.sent).toBe(file);
    xhr.upload.onprogress?.({ loaded: 40, total: 100, lengthComputable: true });
    xhr.upload.onprogress?.({ loaded: 70, total: 0, lengthComputable: false });
    xhr.answer(201, '{"id":"i1"}', 'Content-Type: application/json\r\nX-Request-ID: r-1\r\n');
    const res = await answer;
    expect(progress).toEqual([
      [40, 100],
      [70, 100],
    ]);
    expect(res.status).toBe(201);
    expect(res.headers.get('X-Request-ID')).toBe('r-1');
    expect(await res.json()).toEqual({ id: 'i1' });
  });

  it('no token, no Authorization; a 204 carries no body', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const answer = xhrAttempt({ method: 'PUT', body: file, contentType: 'text/csv' })('/u', null);
    expect(FakeXhr.last.headers.Authorization).toBeUndefined();
    FakeXhr.last.answer(204, '');
    expect((await answer).status).toBe(204);
  });

  it('no answer is a NetworkError; a cancel, before or during, an AbortError', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const failed = xhrAttempt({ method: 'POST', body: file, contentType: 'text/csv' })('/u', null);
    FakeXhr.last.onerror?.();
    await expect(failed).rejects.toBeInstanceOf(NetworkError);

    const controller = new AbortController();
    const cancelled = xhrAttempt({ method: 'POST', body: file, contentType: 'text/csv', signal: controller.signal })('/u', null);
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    const before = FakeXhr.last;
    await expect(xhrAttempt({ method: 'POST', body: file, contentType: 'text/csv', signal: controller.signal })('/u', null)).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(FakeXhr.last).toBe(before); // nothing was sent
  });
});

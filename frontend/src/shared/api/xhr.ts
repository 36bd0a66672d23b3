import type { Attempt } from './client';
import type { Method } from './operations';
import { NetworkError } from './problem';

export interface XhrSend {
  method: Method;
  body: Blob;
  contentType: string;
  /** Bytes of the body sent so far, and of the whole body. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/** Statuses whose Response may not carry a body. */
const NO_BODY = new Set([101, 204, 205, 304]);

function headersOf(xhr: XMLHttpRequest): Headers {
  const headers = new Headers();
  for (const line of xhr.getAllResponseHeaders().split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * One attempt over XMLHttpRequest, whose upload reports its progress (fetch's does not): the answer as a
 * Response, so that the client reads it like any other; no answer at all is a NetworkError, a cancel an AbortError.
 * No timeout: a large file on a slow connection takes the time it takes, and the user may cancel.
 */
export function xhrAttempt({ method, body, contentType, onProgress, signal }: XhrSend): Attempt {
  return (url, token) =>
    new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new DOMException('The request was cancelled', 'AbortError'));
        return;
      }
      const xhr = new XMLHttpRequest();
      const abort = () => xhr.abort();
      const done = () => signal?.removeEventListener('abort', abort);
      xhr.open(method, url);
      xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
      xhr.setRequestHeader('Content-Type', contentType);
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : body.size);
      xhr.onload = () => {
        done();
        const text = NO_BODY.has(xhr.status) ? null : xhr.responseText;
        resolve(new Response(text, { status: xhr.status, statusText: xhr.statusText, headers: headersOf(xhr) }));
      };
      xhr.onerror = () => {
        done();
        reject(new NetworkError('offline'));
      };
      xhr.onabort = () => {
        done();
        reject(new DOMException('The request was cancelled', 'AbortError'));
      };
      signal?.addEventListener('abort', abort);
      xhr.send(body);
    });
}

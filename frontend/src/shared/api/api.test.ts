// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { apiBaseUrl, fillPath, queryString } from './api';

describe('api', () => {
  it('takes the API base URL from VITE_API_URL, default same origin', () => {
    expect(apiBaseUrl({})).toBe('/api/v1');
    expect(apiBaseUrl({ VITE_API_URL: 'https://api.ayni.cl/api/v1/' })).toBe('https://api.ayni.cl/api/v1');
    expect(apiBaseUrl({ VITE_API_URL: '  ' })).toBe('/api/v1');
    expect(apiBaseUrl({ VITE_API_URL: '/ayni/api/v1' })).toBe('/ayni/api/v1');
    // An origin alone (as a deployment guide may write it) means the API's usual path there.
    expect(apiBaseUrl({ VITE_API_URL: 'https://api.ayni.cl/' })).toBe('https://api.ayni.cl/api/v1');
    expect(apiBaseUrl({ VITE_API_URL: 'http://127.0.0.1:8000' })).toBe('http://127.0.0.1:8000/api/v1');
  });
});

describe('fillPath', () => {
  it('fills and escapes path parameters, and refuses a missing one', () => {
    expect(fillPath('/jobs/{job_id}', { job_id: 'a b/c' })).toBe('/jobs/a%20b%2Fc');
    expect(fillPath('/auth/me', undefined)).toBe('/auth/me');
    expect(() => fillPath('/jobs/{job_id}', {})).toThrow('no value for {job_id} in /jobs/{job_id}');
  });
});

describe('queryString', () => {
  it('writes the given parameters in order, repeats lists and leaves out absent ones', () => {
    expect(queryString({ from: '2026-11-01', location: ['b', 'a'], limit: 10, metric: undefined })).toBe('?from=2026-11-01&location=b&location=a&limit=10');
    expect(queryString({ name: 'a b&c' })).toBe('?name=a+b%26c');
    expect(queryString({ location: [] })).toBe('');
    expect(queryString(undefined)).toBe('');
  });
});

// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { apiBaseUrl, fillPath, operationPath, queryString } from './api';

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

describe('queries', () => {
  it('writes each value, repeats a list, leaves out what is not given', () => {
    expect(queryString({ limit: 20, cursor: undefined, allow_duplicate: true, location: ['a', 'b'], x: null })).toBe(
      '?limit=20&allow_duplicate=true&location=a&location=b',
    );
    expect(queryString({})).toBe('');
    expect(queryString(undefined)).toBe('');
    expect(queryString({ filename: 'ventas octubre ñ.csv' })).toBe('?filename=ventas+octubre+%C3%B1.csv');
  });

  it('an operation’s URL: its path filled, its query appended', () => {
    expect(operationPath('importList', { company_id: 'c1' }, { limit: 20 })).toBe('/companies/c1/imports?limit=20');
    expect(operationPath('me')).toBe('/auth/me');
  });
});

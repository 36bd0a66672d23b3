// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { previewHeaders } from '../vite.config';

interface HeadersFile {
  headers: Record<string, string>;
  spaFallback: string;
}
interface RenderService {
  type: string;
  runtime?: string;
  buildCommand?: string;
  staticPublishPath?: string;
  envVars?: { key: string; value?: string }[];
  routes?: { type: string; source: string; destination: string }[];
  headers?: { path: string; name: string; value: string }[];
}

const source = JSON.parse(readFileSync(new URL('../security-headers.json', import.meta.url), 'utf8')) as HeadersFile;
const render = parse(readFileSync(new URL('../../render.yaml', import.meta.url), 'utf8')) as { services: RenderService[] };
const site = render.services.find((s) => s.runtime === 'static');

describe('security headers: one source of truth', () => {
  it('render.yaml declares the static site, forwarding /api/ to the API before the SPA fallback', () => {
    expect(site).toBeDefined();
    expect(site?.buildCommand).toBe('cd frontend && npm ci && npm run build');
    expect(site?.staticPublishPath).toBe('frontend/dist');
    const [api, fallback, ...others] = site?.routes ?? [];
    expect(api).toMatchObject({ type: 'rewrite', source: '/api/*' });
    const target = new URL(api?.destination ?? '');
    expect(target.protocol).toBe('https:');
    expect(target.pathname).toBe('/api/*');
    expect(fallback).toEqual({ type: 'rewrite', source: '/*', destination: source.spaFallback });
    expect(others).toEqual([]);
  });

  it('the web app calls the API on its own site: no API URL built in', () => {
    expect(site?.envVars?.find((e) => e.key === 'VITE_API_URL')).toBeUndefined();
  });

  it('render.yaml sets exactly the headers of security-headers.json, the API on the same origin', () => {
    const expected = Object.entries(source.headers).map(([name, value]) => ({
      path: '/*',
      name,
      value: value.replaceAll('{API_ORIGIN}', '').replace(/ +;/g, ';'),
    }));
    expect(site?.headers).toEqual(expected);
    const csp = site?.headers?.find((h) => h.name === 'Content-Security-Policy')?.value;
    expect(csp).toContain("connect-src 'self';");
  });

  it('the CSP allows no inline code, no eval, no framing', () => {
    const csp = source.headers['Content-Security-Policy'] ?? '';
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' {API_ORIGIN}");
    for (const name of ['X-Content-Type-Options', 'Referrer-Policy', 'Permissions-Policy', 'Strict-Transport-Security']) {
      expect(source.headers[name]).toBeTruthy();
    }
    expect(source.headers['X-Content-Type-Options']).toBe('nosniff');
  });

  it('vite preview serves the same headers (same origin API, no HSTS on http)', () => {
    const headers = previewHeaders();
    expect(headers['Content-Security-Policy']).toContain("connect-src 'self';");
    expect(headers['Strict-Transport-Security']).toBeUndefined();
    expect(headers['X-Frame-Options']).toBe('DENY');
  });

  it('the built index.html needs no inline script or style', () => {
    const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
  });
});

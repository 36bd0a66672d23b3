/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

interface SecurityHeaders {
  headers: Record<string, string>;
}

/** The static site's security headers (security-headers.json), for `vite preview`. */
export function previewHeaders(apiOrigin = ''): Record<string, string> {
  const file = JSON.parse(
    readFileSync(new URL('./security-headers.json', import.meta.url), 'utf8'),
  ) as SecurityHeaders;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(file.headers)) {
    out[name] = value.replaceAll('{API_ORIGIN}', apiOrigin).replace(/ +;/g, ';').trim();
  }
  // HSTS over plain http on localhost is meaningless and would pin the host: leave it out of preview.
  delete out['Strict-Transport-Security'];
  return out;
}

const apiProxyTarget = process.env.AYNI_API_PROXY ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  // `@/shared/...`: how a feature reaches shared code (eslint.config.js forbids relative paths out of a feature).
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    target: 'es2022',
    // The polyfill would be injected as module code, but modern browsers don't need it.
    modulePreload: { polyfill: false },
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': { target: apiProxyTarget, changeOrigin: false } },
  },
  preview: {
    headers: previewHeaders(),
    proxy: { '/api': { target: apiProxyTarget, changeOrigin: false } },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    restoreMocks: true,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.{ts,tsx}'],
      exclude: ['src/**/*.test.{ts,tsx}', 'src/test/**', 'src/main.tsx', 'src/vite-env.d.ts', 'src/shared/api/types.ts', 'src/shared/api/schema.gen.ts'],
      reporter: ['text-summary', 'text', 'json-summary'],
      thresholds: { lines: 80, branches: 80, functions: 80, statements: 80 },
    },
  },
});

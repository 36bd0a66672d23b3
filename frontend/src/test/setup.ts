import { afterEach, vi } from 'vitest';

afterEach(async () => {
  if (typeof window === 'undefined') return; // node-environment tests
  const { cleanup } = await import('@testing-library/react');
  const { client } = await import('../api/api');
  const { connectivity } = await import('../api/connectivity');
  cleanup();
  client.clearTokens();
  connectivity.set(true);
  localStorage.clear();
  sessionStorage.clear();
  vi.unstubAllGlobals();
});

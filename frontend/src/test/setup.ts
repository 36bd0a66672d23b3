import { afterEach, vi } from 'vitest';

// Sized for a loaded 2-core machine, where one form test driven by user-event takes seconds: a test that
// hangs still fails, only later, and none measures speed.
vi.setConfig({ testTimeout: 30_000 });
if (typeof window !== 'undefined') {
  const { configure } = await import('@testing-library/react');
  configure({ asyncUtilTimeout: 10_000 });
}

afterEach(async () => {
  if (typeof window === 'undefined') return; // node-environment tests
  const { cleanup } = await import('@testing-library/react');
  const { client } = await import('@/shared/api/api');
  const { connectivity } = await import('@/shared/api/connectivity');
  cleanup();
  client.clearTokens();
  connectivity.set(true);
  localStorage.clear();
  sessionStorage.clear();
  vi.unstubAllGlobals();
});

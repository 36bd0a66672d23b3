import { afterEach, beforeEach, vi } from 'vitest';

// Sized for a loaded 2-core machine, where one form test driven by user-event takes seconds: a test that
// hangs still fails, only later, and none measures speed.
vi.setConfig({ testTimeout: 30_000 });
if (typeof window !== 'undefined') {
  const { configure } = await import('@testing-library/react');
  configure({ asyncUtilTimeout: 10_000 });
}

/**
 * What jsdom lacks and uPlot draws with (the dashboard opens wherever a test lands on a company): a 2D context
 * that draws nothing, matchMedia, ResizeObserver and Path2D. Figures are checked in the charts' tables.
 */
function fakeCanvas(): void {
  const context = new Proxy({} as Record<string | symbol, unknown>, {
    get: (target, name) => (name in target ? target[name] : name === 'measureText' ? () => ({ width: 10 }) : () => undefined),
    set: (target, name, value) => {
      target[name] = value;
      return true;
    },
  });
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(context as unknown as CanvasRenderingContext2D);
  vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener: () => undefined, removeEventListener: () => undefined }));
  vi.stubGlobal('ResizeObserver', class { observe() {} disconnect() {} });
  vi.stubGlobal('Path2D', class { moveTo() {} lineTo() {} rect() {} arc() {} closePath() {} bezierCurveTo() {} });
}

beforeEach(() => {
  if (typeof window !== 'undefined') fakeCanvas();
});

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

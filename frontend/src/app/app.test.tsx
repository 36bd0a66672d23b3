import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ana, fakeApi, json, renderApp, signedOutRoutes } from '@/test/fakeApi';

const healthy = {
  status: 'healthy',
  timestamp: '2025-11-13T10:00:00Z',
  services: { database: 'healthy', redis: 'healthy', worker: 'healthy' },
};

describe('app shell', () => {
  it('renders a real 404 page for unknown routes', async () => {
    fakeApi(signedOutRoutes);
    renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeTruthy();
    expect(screen.getByText(/There is nothing at \/no\/such\/page/)).toBeTruthy();
    expect(document.title).toBe('Page not found · Ayni');
  });

  it('speaks Spanish (Chile) and switches to English, remembering the choice', async () => {
    fakeApi(signedOutRoutes);
    const view = renderApp('/sign-in', 'es');
    expect(await screen.findByRole('heading', { name: 'Ingresa a Ayni' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('es-CL');
    await userEvent.setup().click(screen.getByRole('button', { name: /EN/ }));
    expect(await screen.findByRole('heading', { name: 'Sign in to Ayni' })).toBeTruthy();
    expect(localStorage.getItem('ayni.lang')).toBe('en');
    view.unmount();
    window.history.pushState({}, '', '/sign-in');
    const { App } = await import('./App');
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in to Ayni' })).toBeTruthy();
  });

  it('keeps the public pages usable when the API is down at load', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Sign in to Ayni' })).toBeTruthy();
    expect(await screen.findByText('We cannot reach the Ayni server. It may be down or slow.')).toBeTruthy();
  });

  it('restores the session when the API comes back and the user retries', async () => {
    let down = true;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        if (down) throw new TypeError('Failed to fetch');
        const url = String(input);
        if (url.endsWith('/auth/refresh')) return json(200, { access_token: 'a', refresh_token: 'r', token_type: 'bearer', expires_in: 900 });
        if (url.endsWith('/auth/me')) return json(200, ana);
        if (url.endsWith('/companies')) return json(200, { items: [] });
        return json(200, healthy);
      }),
    );
    renderApp('/');
    await screen.findByRole('heading', { name: 'Sign in to Ayni' });
    down = false;
    await act(async () => {
      await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    });
    expect(await screen.findByRole('heading', { name: 'Hello, Ana Pérez' })).toBeTruthy();
  });
});

import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, json, problem, renderApp, renderWithProviders, signedInRoutes, signedOutRoutes } from '@/test/fakeApi';
import { Status } from './pages/Status';

const healthy = {
  status: 'healthy',
  timestamp: '2025-11-13T10:00:00Z',
  services: { database: 'healthy', redis: 'healthy', worker: 'healthy' },
};

describe('status page', () => {
  function renderStatus(intervalMs = 60_000) {
    return renderWithProviders(<Status intervalMs={intervalMs} />);
  }

  it('shows each service and the server timestamp, and refreshes itself', async () => {
    let n = 0;
    // The refreshes' answer waits for the test: on a busy machine the 50 ms timer could otherwise answer before the
    // first answer is checked.
    let answerRefreshes!: () => void;
    const refreshesAnswered = new Promise<void>((resolve) => (answerRefreshes = resolve));
    fakeApi({
      ...signedOutRoutes,
      'GET /health': async () => {
        if (++n === 1) return json(200, healthy);
        await refreshesAnswered;
        return json(503, { ...healthy, status: 'unhealthy', services: { database: 'unhealthy', redis: 'healthy', worker: 'degraded', search: 'odd' } });
      },
    });
    renderStatus(50);
    expect(await screen.findByText('Database')).toBeTruthy();
    expect(screen.getByTestId('overall-status').textContent).toBe('Operational');
    expect(screen.getByText(/Measured by the server:/)).toBeTruthy();
    answerRefreshes();
    await waitFor(() => expect(screen.getByTestId('overall-status').textContent).toBe('Failing'));
    expect(screen.getByText('search')).toBeTruthy();
    expect(screen.getByText('Unknown')).toBeTruthy();
    expect(screen.getByText('Degraded')).toBeTruthy();
  });

  it('shows the API-down banner and recovers with retry', async () => {
    let down = true;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL) => {
        if (down) throw new TypeError('Failed to fetch');
        return String(input).endsWith('/health') ? json(200, healthy) : problem(401);
      }),
    );
    renderApp('/status');
    expect(await screen.findByText('We cannot reach the Ayni server. It may be down or slow.')).toBeTruthy();
    // The banner and the page's own message come from two requests that fail independently.
    expect(await screen.findByText('We could not reach Ayni. Check your connection and try again.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'System status' })).toBeTruthy();
    down = false;
    await userEvent.setup().click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByText('We cannot reach the Ayni server. It may be down or slow.')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('overall-status').textContent).toBe('Operational'));
  });

  it('refreshes on demand', async () => {
    const api = fakeApi({ ...signedOutRoutes, 'GET /health': () => json(200, healthy) });
    renderStatus();
    await screen.findByTestId('overall-status');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Refresh now' }));
    await waitFor(() => expect(api.count('GET /health')).toBe(2));
  });
});


describe('the ping job', () => {
  const job = (status: string) => ({
    id: 'job-1', actor: 'ping', status, attempts: status === 'pending' ? 0 : 1, created_at: '2025-11-13T10:00:00Z',
    started_at: null, finished_at: null, error: null, result: null, progress: 0,
  });

  it('is only offered to a signed-in user', async () => {
    fakeApi({ ...signedOutRoutes, 'GET /health': () => json(200, healthy) });
    renderWithProviders(<Status />);
    await screen.findByTestId('overall-status');
    expect(screen.queryByRole('button', { name: 'Send a test job' })).toBeNull();
  });

  it('sends a job and follows it until it is final, then stops asking', async () => {
    const states = ['running', 'running', 'succeeded'];
    const api = fakeApi({
      ...signedInRoutes(),
      'GET /health': () => json(200, healthy),
      'POST /jobs/ping': () => json(202, job('pending'), { Location: '/api/v1/jobs/job-1' }),
      'GET /jobs/job-1': () => json(200, job(states.shift() ?? 'succeeded')),
    });
    renderWithProviders(<Status jobPollMs={20} />);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Send a test job' }));
    expect(await screen.findByText('Test job: Queued')).toBeTruthy();
    expect(await screen.findByText('Test job: Done')).toBeTruthy();
    const reads = api.count('GET /jobs/job-1');
    expect(reads).toBe(3);
    expect(api.calls.find((c) => c.path === '/jobs/ping')).toMatchObject({ body: {}, auth: 'Bearer access-2' });
    await new Promise((r) => setTimeout(r, 100));
    expect(api.count('GET /jobs/job-1')).toBe(reads); // final: no more polling
    expect(screen.getByTestId('job-status').dataset.jobStatus).toBe('succeeded');
  });

  it('says why a job could not be sent, in its own words', async () => {
    fakeApi({
      ...signedInRoutes(),
      'GET /health': () => json(200, healthy),
      'POST /jobs/ping': () => problem(429, { type: 'https://ayni.app/problems/too-many-requests' }, { 'Retry-After': '30' }),
    });
    renderWithProviders(<Status />);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Send a test job' }));
    expect(await screen.findByText('You asked for too many tasks in a short time. Wait 30 seconds and try again.')).toBeTruthy();
    expect(screen.queryByTestId('job-status')).toBeNull();
  });
});

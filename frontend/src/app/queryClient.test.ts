// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError, SessionExpiredError } from '@/shared/api/problem';
import { createQueryClient, MAX_RETRIES, shouldRetry } from './queryClient';

const apiError = (status: number) => new ApiError({ type: 'about:blank', title: 'x', status });

describe('the query retry policy', () => {
  it('retries no answer and 5xx a couple of times, never a 4xx, an ended session or a bug', () => {
    expect(shouldRetry(0, new NetworkError('offline'))).toBe(true);
    expect(shouldRetry(1, apiError(503))).toBe(true);
    expect(shouldRetry(MAX_RETRIES, new NetworkError('timeout'))).toBe(false);
    expect(shouldRetry(MAX_RETRIES, apiError(500))).toBe(false);
    for (const status of [400, 401, 403, 404, 409, 422, 429]) expect(shouldRetry(0, apiError(status))).toBe(false);
    expect(shouldRetry(0, new SessionExpiredError())).toBe(false);
    expect(shouldRetry(0, new TypeError('undefined is not a function'))).toBe(false);
  });

  it('the app client applies it to reads, and never repeats a write', async () => {
    const queryClient = createQueryClient();
    const flaky = vi.fn().mockRejectedValue(new NetworkError('offline'));
    await expect(queryClient.fetchQuery({ queryKey: ['flaky'], queryFn: flaky, retryDelay: 0 })).rejects.toBeInstanceOf(NetworkError);
    expect(flaky).toHaveBeenCalledTimes(1 + MAX_RETRIES);
    const refused = vi.fn().mockRejectedValue(apiError(422));
    await expect(queryClient.fetchQuery({ queryKey: ['refused'], queryFn: refused, retryDelay: 0 })).rejects.toBeInstanceOf(ApiError);
    expect(refused).toHaveBeenCalledTimes(1);
    expect(queryClient.getDefaultOptions().mutations?.retry).toBe(false);
    expect(queryClient.getDefaultOptions().queries?.refetchOnWindowFocus).toBe(false);
  });
});

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '@/shared/api/api';
import type { Job, JobStatus } from '@/shared/api/types';

export const REFRESH_SECONDS = 5;
/** How often a job that is not final yet is read again. */
export const JOB_POLL_MS = 1000;

/**
 * GET /api/v1/health, polled while the page is open and visible (never in a hidden tab). A 503 still
 * carries the per-service answer. No retries: the next poll is the retry, and a failure shows at once.
 */
export function useHealth(intervalMs: number) {
  return useQuery({
    queryKey: ['health'],
    queryFn: ({ signal }) => call('health', { signal, acceptStatuses: [503] }),
    refetchInterval: intervalMs,
    refetchIntervalInBackground: false,
    refetchOnMount: 'always',
    retry: false,
  });
}

const FINAL: readonly JobStatus[] = ['succeeded', 'failed', 'dead'];
export const isFinal = (status: JobStatus): boolean => FINAL.includes(status);

export const jobKey = (id: string) => ['jobs', id] as const;

/** One job, read again every `intervalMs` until it is final (then never again). */
export function useJob(id: string | null, intervalMs = JOB_POLL_MS) {
  return useQuery({
    queryKey: jobKey(id ?? ''),
    queryFn: ({ signal }) => call('job', { params: { job_id: id ?? '' }, signal }),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && isFinal(query.state.data.status) ? false : intervalMs),
    staleTime: Infinity,
  });
}

/** POST /jobs/ping: the 202's job record seeds the job's cache entry, which useJob then polls. */
export function usePing() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call('ping', { body: {} }),
    onSuccess: (job: Job) => queryClient.setQueryData(jobKey(job.id), job),
  });
}

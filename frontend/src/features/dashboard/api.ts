import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { call, download } from '@/shared/api/api';
import type { AnswerOf, QueryOf } from '@/shared/api/operations';
import { saveFile } from '@/shared/download';

export type AnalyticsRead = 'analyticsOverview' | 'analyticsTimeseries' | 'analyticsBreakdown' | 'analyticsHeatmap' | 'analyticsCalendar';

/**
 * One analytics read: one query per call, keyed by the company and every parameter of the call, so each view
 * is cached on its own. While another view loads, the last one stays on screen (no flash to skeletons on a period
 * switch). Answers are `Cache-Control: private, no-cache` with an ETag: the browser keeps them and revalidates
 * each fetch, and an unchanged answer comes back as a 304 without a body.
 */
export function useAnalytics<N extends AnalyticsRead>(name: N, companyId: string, query: QueryOf<N>) {
  return useQuery({
    queryKey: ['analytics', companyId, name, query],
    // `call` cannot relate a generic operation to its options; `query` was checked against N above.
    queryFn: ({ signal }) => call(name, { params: { company_id: companyId }, query, signal } as never) as Promise<AnswerOf<N>>,
    placeholderData: keepPreviousData,
  });
}

/** A chart's CSV: the query of its JSON read, for one of the two reads that answer CSV. */
export type CsvRequest = { companyId: string; fallbackName: string } & (
  | { name: 'analyticsTimeseries'; query: QueryOf<'analyticsTimeseries'> }
  | { name: 'analyticsBreakdown'; query: QueryOf<'analyticsBreakdown'> }
);

/**
 * The CSV of a chart (`?format=csv`, analysts and above), fetched through the app's client (the token in the
 * Authorization header) and saved under the name the API gives it (`fallbackName` when it gives none).
 */
export function useCsvDownload() {
  return useMutation({
    mutationFn: async ({ name, companyId, query, fallbackName }: CsvRequest) => {
      const file = await download(name, { params: { company_id: companyId }, query: { ...query, format: 'csv' } } as never);
      saveFile(file.blob, file.filename ?? fallbackName);
    },
  });
}

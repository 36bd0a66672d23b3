import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { call, download, upload } from '@/shared/api/api';
import { ApiError } from '@/shared/api/problem';
import type { ImportRecord, StartImport } from '@/shared/api/types';
import { locationsKey } from '@/shared/companies/lists';
import { isBusy } from './progress';

/** How often an import the worker is busy with is read again (its status and progress). */
export const POLL_MS = 1000;
/** Imports per page of the history. */
const PAGE_SIZE = 20;

const companyKey = (companyId: string) => ['companies', companyId] as const;
const importsKey = (companyId: string) => [...companyKey(companyId), 'imports'] as const;
const historyKey = (companyId: string) => [...importsKey(companyId), 'history'] as const;
const importKey = (companyId: string, importId: string) => [...importsKey(companyId), 'one', importId] as const;

/** One import, read again every `pollMs` while the worker is on it (analysing, loading, undoing). */
export function useImport(companyId: string, importId: string, pollMs = POLL_MS) {
  return useQuery({
    queryKey: importKey(companyId, importId),
    queryFn: ({ signal }) => call('importRecord', { params: { company_id: companyId, import_id: importId }, signal }),
    refetchInterval: ({ state }) => {
      // The API refused (gone, no longer allowed): asking again changes nothing. No answer may pass: ask on.
      if (state.error instanceof ApiError && state.error.status < 500) return false;
      return state.data && !isBusy(state.data.status) ? false : pollMs;
    },
    staleTime: 0,
  });
}

/** The company's imports, newest first, a page at a time; read again while one of them is in the works. */
export function useImportHistory(companyId: string, pollMs = POLL_MS) {
  return useInfiniteQuery({
    queryKey: historyKey(companyId),
    queryFn: ({ pageParam, signal }) =>
      call('importList', {
        params: { company_id: companyId },
        query: { limit: PAGE_SIZE, cursor: pageParam ?? undefined },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((item) => isBusy(item.status))) ? pollMs : false,
  });
}

/** What an answered import changes in the cache: its own entry, and a history that no longer holds. */
function useRecordAnswer(companyId: string) {
  const queryClient = useQueryClient();
  return (record: ImportRecord) => {
    queryClient.setQueryData(importKey(companyId, record.id), record);
    void queryClient.invalidateQueries({ queryKey: historyKey(companyId) });
  };
}

export interface UploadRequest {
  file: File;
  contentType: string;
  allowDuplicate: boolean;
  onProgress: (sent: number, total: number) => void;
  signal: AbortSignal;
}

/** POST .../imports with the file as the body; the 201's import seeds its cache entry, which its page then polls. */
export function useUpload(companyId: string) {
  const answered = useRecordAnswer(companyId);
  return useMutation({
    mutationFn: ({ file, contentType, allowDuplicate, onProgress, signal }: UploadRequest) =>
      upload('uploadImport', file, {
        params: { company_id: companyId },
        query: { filename: file.name, allow_duplicate: allowDuplicate || undefined },
        contentType,
        onProgress,
        signal,
      }),
    onSuccess: answered,
  });
}

/** POST .../start with the user's corrections; refused as not ready (started elsewhere), the import is read again. */
export function useStartImport(companyId: string, importId: string) {
  const queryClient = useQueryClient();
  const answered = useRecordAnswer(companyId);
  return useMutation({
    mutationFn: (body: StartImport) => call('startImport', { params: { company_id: companyId, import_id: importId }, body }),
    onSuccess: answered,
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) void queryClient.invalidateQueries({ queryKey: importKey(companyId, importId) });
    },
  });
}

/** DELETE .../imports/{id}: undo (or discard one that loaded nothing); the figures of its days are recomputed. */
export function useUndoImport(companyId: string) {
  const answered = useRecordAnswer(companyId);
  return useMutation({
    mutationFn: (importId: string) => call('undoImport', { params: { company_id: companyId, import_id: importId } }),
    onSuccess: answered,
  });
}

/**
 * An import finished changing the company's figures (loaded, or undone): whatever was read of them is stale
 * (dashboards, and the locations an import may have created), and is read again where it is shown.
 */
export function useFiguresChanged(companyId: string) {
  const queryClient = useQueryClient();
  return useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: companyKey(companyId), refetchType: 'none' });
    void queryClient.invalidateQueries({ queryKey: locationsKey(companyId) });
  }, [queryClient, companyId]);
}

/** All the rejected rows of an import, as the CSV the API keeps, through the session's client. */
export async function downloadRejected(companyId: string, importId: string): Promise<Blob> {
  return (await download('rejectedRows', { params: { company_id: companyId, import_id: importId } })).blob;
}

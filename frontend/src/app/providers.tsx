import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { BrowserRouter } from 'react-router';
import { connectivity } from '@/shared/api/connectivity';
import { I18nProvider, type Lang } from '@/shared/i18n/i18n';
import { SessionProvider } from '@/shared/session/SessionProvider';
import { createQueryClient } from './queryClient';

/** The banner's "retry": every query on screen that failed runs again. */
function RetryFailedQueries({ queryClient }: { queryClient: QueryClient }) {
  useEffect(
    () =>
      connectivity.onRetry(() => {
        void queryClient.refetchQueries({ type: 'active', predicate: (q) => q.state.status === 'error' });
      }),
    [queryClient],
  );
  return null;
}

/** Language, server-state cache, router and session, in the order each needs the one before. */
export function AppProviders({ lang, children }: { lang?: Lang; children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <I18nProvider initial={lang}>
      <QueryClientProvider client={queryClient}>
        <RetryFailedQueries queryClient={queryClient} />
        <BrowserRouter>
          <SessionProvider>{children}</SessionProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </I18nProvider>
  );
}

import { useState, useSyncExternalStore } from 'react';
import { probeApi } from '../api/api';
import { connectivity } from '../api/connectivity';
import { useI18n } from '../i18n/i18n';

/** Shown while the API can't be reached; "retry" re-runs what failed and checks the API again. */
export function ConnectivityBanner() {
  const { t } = useI18n();
  const up = useSyncExternalStore(connectivity.subscribe, connectivity.isUp);
  const [retrying, setRetrying] = useState(false);
  if (up) return null;
  const retry = async () => {
    setRetrying(true);
    connectivity.retry();
    try {
      await probeApi();
    } catch {
      // still down: the banner stays
    } finally {
      setRetrying(false);
    }
  };
  return (
    <div className="banner" role="alert">
      <p>{t('banner.offline')}</p>
      <button type="button" className="button" onClick={() => void retry()} disabled={retrying} aria-busy={retrying}>
        {retrying ? t('banner.retrying') : t('banner.retry')}
      </button>
    </div>
  );
}

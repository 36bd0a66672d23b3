import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { useCsvDownload, type CsvRequest } from '../api';

/** Downloads a chart's figures as CSV (shown to analysts and above: the API refuses viewers). */
export function CsvButton({ request }: { request: CsvRequest }) {
  const { t } = useI18n();
  const csv = useCsvDownload();
  return (
    <>
      <button type="button" className="button dash-button" disabled={csv.isPending} aria-busy={csv.isPending} onClick={() => csv.mutate(request)}>
        {csv.isPending ? t('dashboard.csv.busy') : t('dashboard.csv')}
      </button>
      {csv.isError ? <Alert message={describeError(csv.error, t)} /> : null}
    </>
  );
}

import type { ImportRecord } from '@/shared/api/types';
import { useCompany } from '@/shared/companies/current';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { ConfirmButton } from '@/shared/ui/ConfirmButton';
import { useFiguresChanged, useUndoImport } from '../api';

/**
 * Undo a loaded import (its lines go, the dashboards are recomputed) or discard one waiting for review, after
 * the user confirms. Nothing for an import in any other status: the API would refuse it.
 */
export function UndoControl({ record }: { record: Pick<ImportRecord, 'id' | 'filename' | 'status'> }) {
  const { t } = useI18n();
  const company = useCompany();
  const undo = useUndoImport(company.id);
  const figuresChanged = useFiguresChanged(company.id);
  // Once undone, the import's new status (read again) says so.
  if (undo.isSuccess || (record.status !== 'succeeded' && record.status !== 'ready')) return null;
  const discard = record.status === 'ready';
  const confirm = () =>
    undo.mutate(record.id, {
      onSuccess: () => {
        if (!discard) figuresChanged();
      },
    });
  return (
    <div>
      <ConfirmButton
        label={discard ? t('imports.discard') : t('imports.undo')}
        question={t(discard ? 'imports.discard.question' : 'imports.undo.question', { name: record.filename })}
        confirmLabel={t(discard ? 'imports.discard.yes' : 'imports.undo.yes')}
        busyLabel={t('imports.undo.working')}
        busy={undo.isPending}
        onConfirm={confirm}
      />
      <Alert message={undo.error && describeError(undo.error, t)} />
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import type { MyCompany } from '@/shared/api/types';
import { describeError } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert } from '@/shared/ui/Alert';
import { Field } from '@/shared/ui/Field';
import { withNotice } from '@/shared/ui/Notice';
import { useDeleteCompany } from '../api';

/**
 * Deleting the company (owners): armed by typing its name, as the API asks. The API answers at once (a job erases
 * the data), and the company is gone for everyone: the user goes home, told so.
 */
export function DeleteCompany({ company }: { company: MyCompany }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const remove = useDeleteCompany(company.id);
  const [typed, setTyped] = useState('');
  // The API compares the name without the spaces around it, and nothing else.
  const armed = typed.trim() === company.name;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!armed || remove.isPending) return;
    remove.mutate(typed, {
      onSuccess: () => void navigate('/', { replace: true, state: withNotice('settings.delete.done', { company: company.name }) }),
    });
  };
  return (
    <section className="card danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">{t('settings.delete.title')}</h2>
      <p>{t('settings.delete.body', { company: company.name })}</p>
      <form onSubmit={submit} noValidate>
        <Field
          name="confirm_name"
          label={t('settings.delete.confirm')}
          hint={t('settings.delete.confirmHint', { company: company.name })}
          value={typed}
          onChange={setTyped}
          autoComplete="off"
        />
        <Alert message={remove.error && describeError(remove.error, t)} />
        <button type="submit" className="button button--danger" disabled={!armed || remove.isPending} aria-busy={remove.isPending}>
          {remove.isPending ? t('settings.delete.deleting') : t('settings.delete.submit')}
        </button>
      </form>
    </section>
  );
}

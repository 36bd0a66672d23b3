import { useMemo, useState } from 'react';
import type { CompanyUpdate, MyCompany } from '@/shared/api/types';
import { CompanyFields } from '@/shared/companies/CompanyFields';
import { companyBody, companyErrors, timezoneNames } from '@/shared/companies/fields';
import { useForm } from '@/shared/forms/form';
import { useI18n } from '@/shared/i18n/i18n';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { CheckboxField } from '@/shared/ui/Field';
import { useUpdateCompany } from '../api';

/** The fields of `next` that differ from the company's: a PATCH leaves the others as they are. */
function changedFields(company: MyCompany, next: Required<Omit<CompanyUpdate, 'country'>>): CompanyUpdate {
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => company[key as keyof typeof next] !== value));
}

/** Name, RUT, industry, time zone, currency and benchmarking, saved with PATCH. */
export function CompanyDetails({ company }: { company: MyCompany }) {
  const { t } = useI18n();
  const update = useUpdateCompany(company.id);
  const timezones = useMemo(() => {
    const names = timezoneNames();
    return names.includes(company.timezone) ? names : [company.timezone, ...names];
  }, [company.timezone]);
  const [benchmarking, setBenchmarking] = useState(company.benchmarking_opt_in);
  // What was saved last: the confirmation shows while the form still holds it, and goes at the next edit.
  const [saved, setSaved] = useState<string | null>(null);
  const form = useForm({
    t,
    initial: { name: company.name, rut: company.rut ?? '', industry: company.industry, timezone: company.timezone, currency: company.currency },
    validate: (v) => companyErrors(v, t, timezones),
    problemFields: { 'rut-taken': 'rut' },
    onSubmit: async (v) => {
      const next = { ...companyBody(v), benchmarking_opt_in: benchmarking };
      const changes = changedFields(company, next);
      if (Object.keys(changes).length > 0) await update.mutateAsync(changes);
      setSaved(JSON.stringify(next));
    },
  });
  const showSaved = saved === JSON.stringify({ ...companyBody(form.values), benchmarking_opt_in: benchmarking });
  return (
    <section className="card" aria-labelledby="details-title">
      <h2 id="details-title">{t('settings.details')}</h2>
      <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
        <CompanyFields field={form.field} timezones={timezones} currentCurrency={company.currency} />
        <CheckboxField
          name="benchmarking_opt_in"
          label={t('company.field.benchmarking')}
          hint={t('company.field.benchmarkingHint')}
          checked={benchmarking}
          onChange={setBenchmarking}
        />
        <Alert message={form.formError} />
        {showSaved && !form.formError ? <Alert kind="success" message={{ text: t('settings.saved') }} /> : null}
        <SubmitButton busy={form.submitting} label={t('settings.save')} busyLabel={t('settings.saving')} />
      </form>
    </section>
  );
}

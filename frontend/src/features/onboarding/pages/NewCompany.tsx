import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { MyCompany } from '@/shared/api/types';
import { CompanyFields, LocationFields } from '@/shared/companies/CompanyFields';
import {
  companyBody,
  companyErrors,
  DEFAULT_CURRENCY,
  DEFAULT_TIMEZONE,
  locationBody,
  locationErrors,
  timezoneNames,
} from '@/shared/companies/fields';
import { myCompaniesQuery } from '@/shared/companies/myCompanies';
import { useForm } from '@/shared/forms/form';
import { registerTexts, useI18n } from '@/shared/i18n/i18n';
import { useFreshUser } from '@/shared/session/me';
import { useSession } from '@/shared/session/SessionProvider';
import { Alert, SubmitButton } from '@/shared/ui/Alert';
import { CheckboxField } from '@/shared/ui/Field';
import { Loading, PageTitle } from '@/shared/ui/Page';
import { useCreateCompany, useCreateFirstLocation } from '../api';
import { DemoOffer } from '../components/DemoOffer';
import '../onboarding.css';
import { onboardingEn, onboardingEs } from '../messages';

registerTexts({ es: onboardingEs, en: onboardingEn });

/**
 * The company and its first location on one form, sent as two calls. When the company is created but its
 * location is refused, the company is kept (a second submit would otherwise meet its own RUT: 409 rut-taken)
 * and only the location is asked again.
 */
function NewCompanyForm() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const createCompany = useCreateCompany();
  const createLocation = useCreateFirstLocation();
  const [timezones] = useState(timezoneNames);
  const [benchmarking, setBenchmarking] = useState(true);
  const [created, setCreated] = useState<MyCompany | null>(null);
  const form = useForm({
    t,
    initial: {
      name: '', rut: '', industry: '', timezone: DEFAULT_TIMEZONE, currency: DEFAULT_CURRENCY,
      location_name: '', location_code: '', comuna: '', region: '',
    },
    validate: (v) => ({ ...(created ? {} : companyErrors(v, t, timezones)), ...locationErrors(v, t) }),
    problemFields: { 'rut-taken': 'rut' },
    onSubmit: async (v) => {
      const company = created ?? (await createCompany.mutateAsync({ ...companyBody(v), benchmarking_opt_in: benchmarking }));
      setCreated(company);
      await createLocation.mutateAsync({ companyId: company.id, body: locationBody(v) });
      await navigate(`/c/${company.id}/start`);
    },
  });
  return (
    <form className="stack" onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
      {created ? (
        <Alert kind="info" message={{ text: t('onboarding.created', { company: created.name }) }} />
      ) : (
        <fieldset className="card">
          <legend>{t('onboarding.company')}</legend>
          <CompanyFields field={form.field} timezones={timezones} />
          <CheckboxField name="benchmarking_opt_in" label={t('company.field.benchmarking')} hint={t('company.field.benchmarkingHint')} checked={benchmarking} onChange={setBenchmarking} />
        </fieldset>
      )}
      <fieldset className="card">
        <legend>{t('onboarding.location')}</legend>
        <p className="muted">{t('onboarding.locationIntro')}</p>
        <LocationFields field={form.field} />
      </fieldset>
      <Alert message={form.formError} />
      <SubmitButton busy={form.submitting} label={t('onboarding.submit')} busyLabel={t('onboarding.submitting')} />
    </form>
  );
}

/**
 * `/companies/new`: where a user without a company is sent (Home), and where anyone creates another. A first
 * company is a welcome (the greeting, the way in for the invited, sample data to look at first).
 */
export function NewCompany() {
  const { t } = useI18n();
  const { user } = useSession();
  useFreshUser();
  const companies = useQuery(myCompaniesQuery);
  if (companies.isPending || !user) return <Loading />;
  const first = companies.data?.items.length === 0;
  const name = user.full_name?.trim();
  const title = !first ? t('onboarding.titleAnother') : name ? t('onboarding.title', { name }) : t('onboarding.titleNoName');
  return (
    <div className="stack onboarding">
      <PageTitle>{title}</PageTitle>
      {first ? (
        <>
          <p>{t('onboarding.intro')}</p>
          <p className="muted">{t('onboarding.invited')}</p>
        </>
      ) : null}
      {user.email_verified ? (
        <>
          <NewCompanyForm />
          {first ? <DemoOffer title="onboarding.demo.title" /> : null}
        </>
      ) : (
        <Alert kind="info" message={{ text: t('onboarding.unverified') }}>
          <Link to="/check-your-email">{t('onboarding.resend')}</Link>
        </Alert>
      )}
    </div>
  );
}

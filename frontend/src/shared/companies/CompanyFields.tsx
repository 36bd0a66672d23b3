import type { FieldBinding } from '../forms/form';
import { useI18n } from '../i18n/i18n';
import { Field, SelectField } from '../ui/Field';
import { currencyOptions, industryOptions, regionOptions, type CompanyField, type LocationField } from './fields';
import { parseRut } from './rut';

/**
 * The RUT, checked as it is typed: the hint confirms a valid one in its normal form (76086428-5), which replaces
 * what was typed when the field is left.
 */
function RutField(binding: FieldBinding) {
  const { t } = useI18n();
  const rut = parseRut(binding.value);
  return (
    <Field
      {...binding}
      label={t('company.field.rut')}
      hint={rut.ok ? t('company.field.rutValid', { rut: rut.rut }) : t('company.field.rutHint')}
      autoComplete="off"
      required
      onBlur={() => {
        binding.onBlur();
        if (rut.ok && rut.rut !== binding.value) binding.onChange(rut.rut);
      }}
    />
  );
}

/** A company's name, RUT, industry, time zone and currency (onboarding and settings). */
export function CompanyFields({ field, timezones, currentCurrency }: { field: (name: CompanyField) => FieldBinding; timezones: readonly string[]; currentCurrency?: string }) {
  const { t, locale } = useI18n();
  return (
    <>
      <Field {...field('name')} label={t('company.field.name')} hint={t('company.field.nameHint')} autoComplete="organization" required />
      <RutField {...field('rut')} />
      <SelectField {...field('industry')} label={t('company.field.industry')} options={industryOptions(t)} placeholder={t('company.field.industryPlaceholder')} required />
      <Field {...field('timezone')} label={t('company.field.timezone')} hint={t('company.field.timezoneHint')} suggestions={timezones} autoComplete="off" required />
      <SelectField {...field('currency')} label={t('company.field.currency')} options={currencyOptions(locale, currentCurrency)} required />
    </>
  );
}

/** A location's name, code (optional: the API's is made from the name), comuna and region. */
export function LocationFields({ field, currentRegion }: { field: (name: LocationField) => FieldBinding; currentRegion?: string | null }) {
  const { t } = useI18n();
  return (
    <>
      <Field {...field('location_name')} label={t('location.field.name')} hint={t('location.field.nameHint')} required />
      <Field {...field('location_code')} label={t('location.field.code')} hint={t('location.field.codeHint')} autoComplete="off" optional />
      <Field {...field('comuna')} label={t('location.field.comuna')} autoComplete="address-level2" optional />
      <SelectField {...field('region')} label={t('location.field.region')} options={regionOptions(currentRegion)} placeholder={t('location.field.regionPlaceholder')} optional />
    </>
  );
}

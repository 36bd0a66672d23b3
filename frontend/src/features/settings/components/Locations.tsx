import { useState } from 'react';
import type { Location, LocationCreate } from '@/shared/api/types';
import { LocationFields } from '@/shared/companies/CompanyFields';
import { locationBody, locationErrors, type LocationField } from '@/shared/companies/fields';
import { formatDate } from '@/shared/format';
import { describeError, useForm, type Values } from '@/shared/forms/form';
import type { MessageKey } from '@/shared/i18n/es';
import { useI18n, type Params } from '@/shared/i18n/i18n';
import { Alert, QueryError, SubmitButton } from '@/shared/ui/Alert';
import { ConfirmButton } from '@/shared/ui/ConfirmButton';
import { Loading } from '@/shared/ui/Page';
import { useLocations } from '@/shared/companies/lists';
import { useCreateLocation, useRemoveLocation, useUpdateLocation } from '../api';

/** What the last change to the list did, told in words (kept as a key so it follows the language). */
interface Done {
  key: MessageKey;
  params: Params;
}

const EMPTY: Values<LocationField> = { location_name: '', location_code: '', comuna: '', region: '' };

function valuesOf(location: Location): Values<LocationField> {
  return { location_name: location.name, location_code: location.code, comuna: location.comuna ?? '', region: location.region ?? '' };
}

/** A location's fields, to add one or to change one; `onSave` throws what the API refused. */
function LocationForm({ initial, submit, busy, onSave, onCancel, currentRegion }: {
  initial: Values<LocationField>;
  submit: MessageKey;
  busy: MessageKey;
  onSave: (body: LocationCreate) => Promise<void>;
  onCancel?: () => void;
  currentRegion?: string | null;
}) {
  const { t } = useI18n();
  const form = useForm({
    t,
    initial,
    validate: (v) => locationErrors(v, t),
    problemFields: { 'code-taken': 'location_code' },
    onSubmit: (v) => onSave(locationBody(v)),
  });
  return (
    <form onSubmit={(e) => void form.handleSubmit(e)} noValidate aria-busy={form.submitting}>
      <LocationFields field={form.field} currentRegion={currentRegion} />
      <Alert message={form.formError} />
      <div className="actions">
        <SubmitButton busy={form.submitting} label={t(submit)} busyLabel={t(busy)} />
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            {t('action.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function LocationItem({ companyId, location, onDone }: { companyId: string; location: Location; onDone: (done: Done) => void }) {
  const { t, locale } = useI18n();
  const [editing, setEditing] = useState(false);
  const update = useUpdateLocation(companyId);
  const remove = useRemoveLocation(companyId);
  const name = location.name;
  const place = [location.comuna, location.region].filter(Boolean).join(', ');
  if (editing) {
    return (
      <li className="card location">
        <h3 className="break-anywhere">{t('settings.location.editTitle', { name })}</h3>
        <LocationForm
          initial={valuesOf(location)}
          currentRegion={location.region}
          submit="settings.location.save"
          busy="settings.location.saving"
          onCancel={() => setEditing(false)}
          onSave={async (body) => {
            // An optional field emptied is cleared (null); left out, the API would keep its old value.
            const saved = await update.mutateAsync({ id: location.id, body: { ...body, comuna: body.comuna ?? null, region: body.region ?? null } });
            setEditing(false);
            onDone({ key: 'settings.location.saved', params: { name: saved.name } });
          }}
        />
      </li>
    );
  }
  return (
    <li className={`card location${location.archived_at ? ' location--archived' : ''}`}>
      <h3 className="break-anywhere">{name}</h3>
      <p className="location__facts">
        <span>{t('settings.location.code', { code: location.code })}</span>
        {location.archived_at ? <span className="badge">{t('settings.location.archived')}</span> : null}
      </p>
      {place ? <p className="muted break-anywhere">{place}</p> : null}
      {location.archived_at ? (
        <p className="muted">{t('settings.location.archivedOn', { date: formatDate(location.archived_at, locale) })}</p>
      ) : null}
      <Alert message={remove.error && describeError(remove.error, t)} />
      <div className="actions">
        <button type="button" className="button" onClick={() => setEditing(true)}>
          {t('settings.location.edit')}{' '}
          <span className="visually-hidden">{name}</span>
        </button>
        {location.archived_at ? null : (
          <ConfirmButton
            label={t('settings.location.remove')}
            question={t('settings.location.removeQuestion', { name })}
            confirmLabel={t('settings.location.removeConfirm')}
            busyLabel={t('settings.location.removing')}
            busy={remove.isPending}
            onConfirm={() =>
              remove.mutate(location.id, {
                onSuccess: (archived) =>
                  onDone({ key: archived ? 'settings.location.archivedDone' : 'settings.location.deletedDone', params: { name } }),
              })
            }
          />
        )}
      </div>
    </li>
  );
}

/** The company's locations (archived ones last, as the API lists them): change, remove, add. */
export function Locations({ companyId }: { companyId: string }) {
  const { t } = useI18n();
  const locations = useLocations(companyId);
  const create = useCreateLocation(companyId);
  const [done, setDone] = useState<Done | null>(null);
  // A new form after each addition: the next location starts from empty fields.
  const [added, setAdded] = useState(0);
  return (
    <section className="card" aria-labelledby="locations-title">
      <h2 id="locations-title">{t('settings.locations')}</h2>
      {done ? <Alert kind="success" message={{ text: t(done.key, done.params) }} /> : null}
      {locations.isPending ? <Loading /> : null}
      {locations.isError ? <QueryError error={locations.error} retry={locations.refetch} /> : null}
      {locations.data?.items.length === 0 ? <p className="muted">{t('settings.locations.none')}</p> : null}
      {locations.data?.items.length ? (
        <ul className="locations">
          {locations.data.items.map((location) => (
            <LocationItem key={location.id} companyId={companyId} location={location} onDone={setDone} />
          ))}
        </ul>
      ) : null}
      <h3>{t('settings.location.add')}</h3>
      <LocationForm
        key={added}
        initial={EMPTY}
        submit="settings.location.add"
        busy="settings.location.adding"
        onSave={async (body) => {
          const location = await create.mutateAsync(body);
          setAdded((n) => n + 1);
          setDone({ key: 'settings.location.added', params: { name: location.name } });
        }}
      />
    </section>
  );
}

import { useId } from 'react';
import type { FieldError, Location } from '@/shared/api/types';
import { useI18n } from '@/shared/i18n/i18n';
import { fieldErrorText } from '@/shared/i18n/problems';
import { locationPlan, type Choices, type Issues, type Preview } from '../preview';
import { counted } from '../counted';

const NEW = 'new';

interface LocationChoicesProps {
  preview: Preview;
  choices: Choices;
  /** The company's locations a file may load into. */
  locations: Location[];
  onName: (name: string, target: string) => void;
  onOne: (locationId: string) => void;
  issue: Issues['locationId'];
  showIssues: boolean;
  errors?: { locations: Record<string, FieldError>; locationId?: FieldError };
}

/**
 * Where the lines go: each location name of the file to one of the company's locations (or a new one); for a
 * file without a location column, the one location all of it belongs to.
 */
export function LocationChoices({ preview, choices, locations, onName, onOne, issue, showIssues, errors }: LocationChoicesProps) {
  const { t } = useI18n();
  const id = useId();
  const plan = locationPlan(preview, choices);
  const options = locations.map((location) => (
    <option key={location.id} value={location.id}>
      {location.name}
    </option>
  ));

  let body;
  if (plan.kind === 'other-column') {
    body = <p>{t('imports.locations.otherColumn', { column: plan.column })}</p>;
  } else if (plan.kind === 'names') {
    const named = preview.locations.filter((location): location is typeof location & { name: string } => location.name !== null);
    body = (
      <>
        <p className="muted">{counted(t, named.length, 'imports.locations.introOne', 'imports.locations.intro')}</p>
        <ul className="imports-locations">
          {named.map((location, index) => {
            const selectId = `${id}-${index}`;
            const error = errors?.locations[location.name];
            return (
              <li key={location.name}>
                <label htmlFor={selectId}>
                  <span className="break-anywhere">{location.name}</span>{' '}
                  <span className="muted">{counted(t, location.lines, 'imports.locations.line', 'imports.locations.lines')}</span>
                </label>
                <select
                  id={selectId}
                  value={choices.locations[location.name] ?? NEW}
                  onChange={(event) => onName(location.name, event.target.value)}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${selectId}-error` : undefined}
                >
                  {options}
                  <option value={NEW}>{t('imports.locations.new', { name: location.name })}</option>
                </select>
                {error ? (
                  <p id={`${selectId}-error`} className="field__error">
                    {fieldErrorText(error, t)}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      </>
    );
  } else if (locations.length === 0) {
    body = (
      <p className={showIssues ? 'field__error' : undefined} data-issue={showIssues || undefined} tabIndex={-1}>
        {t('imports.locations.noneExist')}
      </p>
    );
  } else {
    const selectId = `${id}-one`;
    const error = errors?.locationId;
    const message = error ? fieldErrorText(error, t) : showIssues && issue === 'choose' ? t('imports.locations.choose') : undefined;
    body = (
      <div className="field">
        <label htmlFor={selectId}>{t('imports.locations.one')}</label>
        <select
          id={selectId}
          value={choices.locationId}
          onChange={(event) => onOne(event.target.value)}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${selectId}-error` : undefined}
        >
          <option value="">{t('imports.locations.pick')}</option>
          {options}
        </select>
        {message ? (
          <p id={`${selectId}-error`} className="field__error">
            {message}
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <section aria-labelledby={`${id}-h`} className="imports-section">
      <h3 id={`${id}-h`}>{t('imports.locations.title')}</h3>
      {body}
    </section>
  );
}

import { useId, type ReactNode } from 'react';
import type { DateChoice, FieldError, NumberChoice } from '@/shared/api/types';
import { useI18n, type Translate } from '@/shared/i18n/i18n';
import { fieldErrorText } from '@/shared/i18n/problems';
import {
  describePattern,
  distinctNumberChoices,
  formatReadNumber,
  formatWallTime,
  hasTime,
  numberStyle,
  readDate,
  readIsoWallTime,
  readNumber,
  sameDate,
  sameNumber,
  type PatternWords,
} from '../formats';
import { asks, type Preview } from '../preview';

function patternWords(t: Translate): PatternWords {
  return {
    day: t('imports.pattern.day'),
    month: t('imports.pattern.month'),
    year: t('imports.pattern.year'),
    shortYear: t('imports.pattern.shortYear'),
    hour: t('imports.pattern.hour'),
    minute: t('imports.pattern.minute'),
    second: t('imports.pattern.second'),
    meridiem: t('imports.pattern.meridiem'),
  };
}

/** A number format in words: its style and which separator marks the decimals. */
function numberFormatText(choice: NumberChoice, t: Translate): string {
  const decimal = t(choice.decimal === ',' ? 'imports.formats.comma' : 'imports.formats.point');
  return t('imports.formats.style', { style: numberStyle(choice), decimal });
}

interface ChoiceProps<T> {
  name: string;
  question: string;
  options: { value: T; label: string }[];
  chosen: T | null;
  same: (a: T | null, b: T | null) => boolean;
  onChoose: (value: T) => void;
  /** Not chosen yet, and the user tried to start: the text that asks for it. */
  missing?: string;
  error?: FieldError;
}

/** A choice the values of the file leave to the user: one radio button per reading, each showing its example. */
function Choice<T>({ name, question, options, chosen, same, onChoose, missing, error }: ChoiceProps<T>) {
  const { t } = useI18n();
  const id = useId();
  const message = error ? fieldErrorText(error, t) : missing;
  return (
    <fieldset className="imports-choices" aria-describedby={message ? `${id}-error` : undefined} data-issue={message ? true : undefined} tabIndex={-1}>
      <legend>{question}</legend>
      {options.map((option) => (
        <label key={option.label} className="imports-choice">
          <input
            type="radio"
            name={name}
            checked={same(chosen, option.value)}
            onChange={() => onChoose(option.value)}
            aria-invalid={message ? true : undefined}
          />
          <span>{option.label}</span>
        </label>
      ))}
      {message ? (
        <p id={`${id}-error`} className="field__error">
          {message}
        </p>
      ) : null}
    </fieldset>
  );
}

interface FormatChoicesProps {
  preview: Preview;
  date: DateChoice | null;
  number: NumberChoice | null;
  onDate: (choice: DateChoice) => void;
  onNumber: (choice: NumberChoice) => void;
  showIssues: boolean;
  errors?: { date?: FieldError; number?: FieldError };
}

/**
 * How the file writes dates and numbers, each with a value of the file and how it reads; where the values fit
 * more than one reading, the user picks one, seeing the same value read each way.
 */
export function FormatChoices({ preview, date, number, onDate, onNumber, showIssues, errors }: FormatChoicesProps) {
  const { t, locale } = useI18n();
  const id = useId();
  const open = asks(preview);
  const words = patternWords(t);
  const { date: dateFormat, number: numberFormat } = preview.formats;
  const dateExample = dateFormat?.example ?? null;
  const numberExample = numberFormat?.example ?? null;

  const readsAs = (reading: string | null, value: string): string =>
    reading === null ? t('imports.formats.unreadable', { value }) : t('imports.formats.example', { value, reads: reading });
  const dateReading = (pattern: string, value: string) => {
    const wall = readDate(value, pattern);
    return readsAs(wall && formatWallTime(wall, hasTime(pattern), locale), value);
  };
  const numberReading = (choice: NumberChoice, value: string) => {
    const read = readNumber(value, choice);
    return readsAs(read === null ? null : formatReadNumber(read, locale), value);
  };
  const withExample = (format: string, example: string | null): string => (example ? `${format} · ${example}` : format);

  let dates: ReactNode = null;
  if (open.date) {
    dates = (
      <Choice
        name={`${id}-date`}
        question={t('imports.formats.dateAsk')}
        options={preview.candidates.date.map((choice) => ({
          value: choice,
          label: withExample(describePattern(choice.pattern, words), dateExample && dateReading(choice.pattern, dateExample.value)),
        }))}
        chosen={date}
        same={sameDate}
        onChoose={onDate}
        missing={showIssues && date === null ? t('imports.formats.chooseDate') : undefined}
        error={errors?.date}
      />
    );
  } else if (dateFormat) {
    const wall = dateExample && readIsoWallTime(dateExample.reads_as);
    dates = (
      <p>
        {t('imports.formats.date', { pattern: describePattern(dateFormat.pattern, words) })}{' '}
        {dateExample && wall ? t('imports.formats.example', { value: dateExample.value, reads: formatWallTime(wall, hasTime(dateFormat.pattern), locale) }) : null}
      </p>
    );
  }

  let numbers: ReactNode = null;
  if (open.number) {
    numbers = (
      <Choice
        name={`${id}-number`}
        question={t('imports.formats.numberAsk')}
        options={distinctNumberChoices(preview.candidates.number).map((choice) => ({
          value: choice,
          label: withExample(numberFormatText(choice, t), numberExample && numberReading(choice, numberExample.value)),
        }))}
        chosen={number}
        same={sameNumber}
        onChoose={onNumber}
        missing={showIssues && number === null ? t('imports.formats.chooseNumber') : undefined}
        error={errors?.number}
      />
    );
  } else if (numberFormat) {
    numbers = (
      <p>
        {t('imports.formats.number', { format: numberFormatText(numberFormat, t) })}{' '}
        {numberExample ? t('imports.formats.example', { value: numberExample.value, reads: formatReadNumber(numberExample.reads_as, locale) }) : null}
      </p>
    );
  }

  if (!dates && !numbers) return null;
  return (
    <section aria-labelledby={`${id}-h`} className="imports-section">
      <h3 id={`${id}-h`}>{t('imports.formats.title')}</h3>
      {dates}
      {numbers}
    </section>
  );
}

import type { SalesField } from '@/shared/api/types';
import type { Translate } from '@/shared/i18n/i18n';
import { formatWallTime, hasTime, readIsoWallTime } from './formats';
import { asks, type Preview, type PreviewRow } from './preview';

type Sample = (row: PreviewRow, locale: string, t: Translate, preview: Preview) => string | null;

const text =
  (key: 'document_type' | 'sku' | 'product' | 'category' | 'location' | 'payment_method' | 'seller'): Sample =>
  (row) =>
    row[key];

const number =
  (key: 'quantity' | 'amount' | 'cost' | 'discount'): Sample =>
  (row, locale) =>
    row[key] === null ? null : row[key].toLocaleString(locale, { maximumFractionDigits: 4 });

/** The date of the sale, with its time when the file writes one (else every line reads as midnight). */
function wallTime(row: PreviewRow, locale: string, _t: Translate, preview: Preview): string | null {
  const wall = readIsoWallTime(row.sold_at);
  return wall && formatWallTime(wall, hasTime(preview.formats.date?.pattern ?? ''), locale, 'short');
}

/**
 * How the preview's lines show what a field's column held. A line keeps the ticket as "<document type>|<number>"
 * ("@<time>" when the file has no number), its numbers signed (returns negative) and no unit price, unit cost or
 * customer (a customer is never kept as written): those columns have no sample.
 */
const SAMPLE: Partial<Record<SalesField, Sample>> = {
  sold_at: wallTime,
  sold_time: (row) => row.sold_at.slice(11, 16) || null, // HH:MM of the local time the API writes
  ticket: (row) => {
    const prefix = `${row.document_type ?? ''}|`;
    return row.ticket?.startsWith(prefix) ? row.ticket.slice(prefix.length) : null;
  },
  document_type: text('document_type'),
  sku: text('sku'),
  product: text('product'),
  category: text('category'),
  location: text('location'),
  payment_method: text('payment_method'),
  seller: text('seller'),
  quantity: number('quantity'),
  amount: number('amount'),
  cost: number('cost'),
  discount: number('discount'),
  kind: (row, _locale, t) => t(row.is_return ? 'imports.sample.return' : 'imports.sample.sale'),
};

const SAMPLES_SHOWN = 3;

const DATE_FIELDS: readonly SalesField[] = ['sold_at', 'sold_time'];
const NUMBER_FIELDS: readonly SalesField[] = ['quantity', 'amount', 'unit_price', 'cost', 'unit_cost', 'discount'];

/** The field the analysis gave a column (whose values the preview's lines hold). */
function detectedField(preview: Preview, column: string): SalesField | undefined {
  return (Object.keys(preview.mapping) as SalesField[]).find((field) => preview.mapping[field]?.column === column);
}

/**
 * Whether a column's values read one way or another as the user chooses the file's date or number format: its
 * samples, read the analysis's way, would show a choice not yet made.
 */
export function samplesAwaitChoice(preview: Preview, column: string): boolean {
  const field = detectedField(preview, column);
  const open = asks(preview);
  return field !== undefined && ((open.date && DATE_FIELDS.includes(field)) || (open.number && NUMBER_FIELDS.includes(field)));
}

/**
 * The first few distinct values of a column, as Ayni read them in the preview's lines (by the field the
 * analysis gave the column: the values stay the column's whatever field the user moves it to). None for a
 * column the analysis left unmapped, whose values the preview does not hold.
 */
export function samplesOf(preview: Preview, column: string, locale: string, t: Translate): string[] {
  const field = detectedField(preview, column);
  const sample = field && SAMPLE[field];
  if (!sample) return [];
  const values: string[] = [];
  for (const row of preview.rows) {
    const value = sample(row, locale, t, preview);
    if (value !== null && value !== '' && !values.includes(value)) values.push(value);
    if (values.length === SAMPLES_SHOWN) break;
  }
  return values;
}

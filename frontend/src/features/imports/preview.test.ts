// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { registerTexts, translator } from '@/shared/i18n/i18n';
import { ambiguousPreview, posPreview } from '@/test/imports';
import {
  asks,
  assignField,
  columnOf,
  hasIssues,
  initialChoices,
  issuesOf,
  locationPlan,
  startBody,
  startErrors,
  type Preview,
} from './preview';
import { isBusy, loadProgress, phasesOf } from './progress';
import { failureReason, rejectReason } from './reasons';
import { samplesAwaitChoice, samplesOf } from './samples';
import { importsEn, importsEs } from './messages';

// The page registers them when its chunk comes.
registerTexts({ es: importsEs, en: importsEn });

const pos = () => posPreview() as unknown as Preview;
const ambiguous = () => ambiguousPreview() as unknown as Preview;
const es = translator('es');
const en = translator('en');

describe('the review starts from what the analysis found', () => {
  it('each column with its field, the matched locations, nothing chosen where the values left a choice', () => {
    const choices = initialChoices(pos());
    expect(choices.columns).toEqual({
      'Fecha venta': 'sold_at',
      'Tipo doc.': 'document_type',
      'N° doc. venta': 'ticket',
      'Nombre sucursal': 'location',
      Producto: 'product',
      Cantidad: 'quantity',
      'Precio unitario': 'unit_price',
      'Total neto': 'amount',
      'Dcto. total': 'discount',
      'RUT cliente': 'customer',
      Observación: null,
    });
    expect(choices.locations).toEqual({ 'Sucursal Providencia': 'loc-1', 'Sucursal Ñuñoa': 'new' });
    expect(choices).toMatchObject({ date: null, number: null, locationId: '', mode: 'replace' });
    expect(asks(pos())).toEqual({ date: false, number: false });
    expect(asks(ambiguous())).toEqual({ date: true, number: true });
  });

  it('a file without a location column goes to the only location the analysis matched', () => {
    const preview = ambiguous();
    preview.locations = [{ name: null, lines: 2, match: 'loc-1' }];
    expect(initialChoices(preview).locationId).toBe('loc-1');
    expect(locationPlan(preview, initialChoices(preview))).toEqual({ kind: 'one' });
  });
});

describe('the user’s corrections', () => {
  it('a field comes from one column: giving it to another frees the first', () => {
    const { choices, freed } = assignField(initialChoices(pos()), 'Observación', 'amount');
    expect(freed).toBe('Total neto');
    expect(choices.columns['Observación']).toBe('amount');
    expect(choices.columns['Total neto']).toBeNull();
    expect(columnOf(choices, 'amount')).toBe('Observación');
  });

  it('ignoring a column, or giving it the field it has, frees nothing', () => {
    expect(assignField(initialChoices(pos()), 'Producto', null).freed).toBeUndefined();
    expect(assignField(initialChoices(pos()), 'Producto', 'product').freed).toBeUndefined();
  });

  it('the locations follow the location column: its names, another column’s, or one location for all', () => {
    const start = initialChoices(pos());
    expect(locationPlan(pos(), start)).toEqual({ kind: 'names' });
    expect(locationPlan(pos(), assignField(start, 'Observación', 'location').choices)).toEqual({ kind: 'other-column', column: 'Observación' });
    expect(locationPlan(pos(), assignField(start, 'Nombre sucursal', null).choices)).toEqual({ kind: 'one' });
  });
});

describe('what keeps a review from starting', () => {
  it('nothing, for a clear file', () => {
    const issues = issuesOf(pos(), initialChoices(pos()), 2);
    expect(issues).toEqual({ missing: [] });
    expect(hasIssues(issues)).toBe(false);
  });

  it('the required fields without a column', () => {
    let choices = initialChoices(pos());
    for (const column of ['Fecha venta', 'Total neto', 'Precio unitario', 'Producto']) choices = assignField(choices, column, null).choices;
    expect(issuesOf(pos(), choices, 2).missing).toEqual(['date', 'amount', 'product']);
    // The unit price alone is enough for the amount.
    choices = assignField(choices, 'Precio unitario', 'unit_price').choices;
    expect(issuesOf(pos(), choices, 2).missing).toEqual(['date', 'product']);
  });

  it('the formats the values leave open, and the location of a file without one', () => {
    const issues = issuesOf(ambiguous(), initialChoices(ambiguous()), 2);
    expect(issues).toEqual({ missing: [], date: true, number: true, locationId: 'choose' });
    expect(issuesOf(ambiguous(), initialChoices(ambiguous()), 0).locationId).toBe('none-exist');
    const chosen = { ...initialChoices(ambiguous()), date: { order: 'MDY', pattern: '%m-%d-%Y' }, number: { decimal: '.', thousands: ',' }, locationId: 'loc-2' } as const;
    expect(hasIssues(issuesOf(ambiguous(), chosen, 2))).toBe(false);
  });

  it('a file whose dates could not be read at all', () => {
    const preview = { ...pos(), reading: null };
    expect(issuesOf(preview, initialChoices(preview), 2).unreadable).toBe(true);
  });
});

describe('the body of start', () => {
  it('for an untouched review: the mode and the locations spelled out, nothing else', () => {
    expect(startBody(pos(), initialChoices(pos()))).toEqual({
      mode: 'replace',
      locations: { 'Sucursal Providencia': 'loc-1', 'Sucursal Ñuñoa': 'new' },
    });
  });

  it('a changed mapping is sent whole; chosen formats; the location of a file without one', () => {
    let choices = assignField(initialChoices(pos()), 'Observación', 'seller').choices;
    choices = assignField(choices, 'Nombre sucursal', null).choices;
    choices = { ...choices, locationId: 'loc-2', mode: 'append' };
    expect(startBody(pos(), choices)).toEqual({
      mode: 'append',
      mapping: {
        sold_at: 'Fecha venta',
        document_type: 'Tipo doc.',
        ticket: 'N° doc. venta',
        product: 'Producto',
        quantity: 'Cantidad',
        unit_price: 'Precio unitario',
        amount: 'Total neto',
        discount: 'Dcto. total',
        customer: 'RUT cliente',
        seller: 'Observación',
      },
      location_id: 'loc-2',
    });
    const picked = { ...initialChoices(ambiguous()), date: { order: 'MDY', pattern: '%m-%d-%Y' }, number: { decimal: '.', thousands: ',' }, locationId: 'loc-1' } as const;
    expect(startBody(ambiguous(), picked)).toEqual({
      mode: 'replace',
      formats: { date: { order: 'MDY', pattern: '%m-%d-%Y' }, number: { decimal: '.', thousands: ',' } },
      location_id: 'loc-1',
    });
  });

  it('a location column the analysis did not read: its names are matched when loading', () => {
    const choices = assignField(initialChoices(pos()), 'Observación', 'location').choices;
    const body = startBody(pos(), choices);
    expect(body.locations).toBeUndefined();
    expect(body.location_id).toBeUndefined();
    expect(body.mapping?.location).toBe('Observación');
  });
});

describe('a 422 on start, put on its controls', () => {
  const refused = (...fields: string[]) => ({
    type: 'https://ayni.app/problems/validation-error',
    title: 'Unprocessable',
    status: 422,
    errors: fields.map((field) => ({ field, message: 'no', code: 'invalid-value' })),
  });

  it('each field path to its control, a location name with dots included', () => {
    const errors = startErrors(
      refused('mapping.amount', 'locations.Av. Providencia', 'location_id', 'formats.date.pattern', 'body.formats.number', 'mode', 'mapping.amount', 'other'),
      ['Av.', 'Av. Providencia'],
    );
    expect(errors.mapping.amount?.field).toBe('mapping.amount');
    expect(Object.keys(errors.locations)).toEqual(['Av. Providencia']);
    expect(errors.locationId?.field).toBe('location_id');
    expect(errors.date?.field).toBe('formats.date.pattern');
    expect(errors.number?.field).toBe('body.formats.number');
    expect(errors.mode?.field).toBe('mode');
    expect(errors.rest.map((e) => e.field)).toEqual(['other']);
  });

  it('a name the review does not show, and a problem without field errors, are left for the form', () => {
    expect(startErrors(refused('locations.Otra'), ['Centro']).rest).toHaveLength(1);
    expect(startErrors({ type: 'about:blank', title: 'x', status: 422 }, [])).toEqual({ mapping: {}, locations: {}, rest: [] });
  });
});

describe('sample values of a column, as Ayni read them', () => {
  it('by the field the analysis gave the column', () => {
    const preview = pos();
    expect(samplesOf(preview, 'Fecha venta', 'es-CL', es)).toEqual(['1 oct 2025, 08:05', '2 oct 2025, 19:30']);
    expect(samplesOf(preview, 'N° doc. venta', 'es-CL', es)).toEqual(['1001', '77']);
    expect(samplesOf(preview, 'Cantidad', 'es-CL', es)).toEqual(['2', '1,088', '-1']);
    expect(samplesOf(preview, 'Total neto', 'en', en)).toEqual(['2,180', '4,846', '-1,990']);
    expect(samplesOf(preview, 'Tipo doc.', 'es-CL', es)).toEqual(['Boleta', 'Nota de crédito']);
  });

  it('none for a column of no field, of a field lines do not keep, or of values that are not there', () => {
    const preview = pos();
    expect(samplesOf(preview, 'Observación', 'es-CL', es)).toEqual([]);
    expect(samplesOf(preview, 'Precio unitario', 'es-CL', es)).toEqual([]);
    expect(samplesOf(preview, 'RUT cliente', 'es-CL', es)).toEqual([]);
    preview.mapping.payment_method = { column: 'Observación', confidence: 1 };
    expect(samplesOf(preview, 'Observación', 'es-CL', es)).toEqual([]);
  });

  it('dates without their time when the file writes none', () => {
    const preview = pos();
    preview.formats.date = { order: 'DMY', pattern: '%d-%m-%Y', example: null };
    expect(samplesOf(preview, 'Fecha venta', 'es-CL', es)).toEqual(['1 oct 2025', '2 oct 2025']);
  });

  it('none shown yet for the columns whose reading the user is to choose', () => {
    expect(['Fecha', 'Cantidad', 'Total'].map((column) => samplesAwaitChoice(ambiguous(), column))).toEqual([true, true, true]);
    expect(samplesAwaitChoice(ambiguous(), 'SKU')).toBe(false);
    expect(samplesAwaitChoice(ambiguous(), 'Nada')).toBe(false);
    expect(samplesAwaitChoice(pos(), 'Fecha venta')).toBe(false);
  });

  it('a kind column as sale or return; a separate time column as its time', () => {
    const preview = pos();
    preview.mapping.kind = { column: 'Observación', confidence: 1 };
    expect(samplesOf(preview, 'Observación', 'es-CL', es)).toEqual(['Venta', 'Devolución']);
    preview.mapping.kind = undefined;
    preview.mapping.sold_time = { column: 'Observación', confidence: 1 };
    expect(samplesOf(preview, 'Observación', 'es-CL', es)).toEqual(['08:05', '19:30']);
  });
});

describe('progress of a load', () => {
  const at = (phase: string | null, done = 0, total: number | null = 1000, mode: 'replace' | 'append' | null = 'replace') => ({
    mode,
    progress: { phase, rows_done: done, rows_total: total },
  });

  it('its phases, replacing or skipping as the mode says', () => {
    expect(phasesOf('replace')).toEqual(['queued', 'parsing', 'copying', 'replacing', 'rollups']);
    expect(phasesOf('append')).toEqual(['queued', 'parsing', 'copying', 'skipping', 'inserting', 'rollups']);
    expect(phasesOf(null)).toEqual(phasesOf('replace'));
  });

  it('each phase an equal part of the bar, the rows copied counted within theirs', () => {
    expect(loadProgress(at('queued'))).toEqual({ step: 0, done: 0 });
    expect(loadProgress(at('copying', 500))).toEqual({ step: 2, done: 2.5 / 5 });
    expect(loadProgress(at('rollups', 0))).toEqual({ step: 4, done: 4 / 5 });
    expect(loadProgress(at('copying', 5, null))).toEqual({ step: 2, done: 2 / 5 });
    expect(loadProgress(at('copying', 2000))).toEqual({ step: 2, done: 3 / 5 });
    expect(loadProgress(at('rollups', 0, 1000, 'append'))).toEqual({ step: 5, done: 5 / 6 });
    expect(loadProgress(at(null))).toEqual({ step: -1, done: 0 });
    expect(loadProgress(at('skipping', 0, 1000, 'append')).step).toBe(3);
  });

  it('the worker is busy while analysing, loading or undoing', () => {
    expect(['analyzing', 'importing', 'reverting'].every((s) => isBusy(s as never))).toBe(true);
    expect(['ready', 'succeeded', 'failed', 'reverted'].some((s) => isBusy(s as never))).toBe(false);
  });
});

describe('why, in the user’s language', () => {
  it('the known reasons for a rejected row; any other as the API wrote it', () => {
    expect(rejectReason('not a date in the form DD-MM-YYYY HH:MM', es)).toEqual({ text: 'No es una fecha de la forma DD-MM-YYYY HH:MM.', known: true });
    expect(rejectReason('the date is missing; expected a date in the form DD-MM-YYYY', en).text).toBe('The date is missing (expected DD-MM-YYYY).');
    expect(rejectReason('not a number in the form 1.234,56', es).text).toBe('No es un número de la forma 1.234,56.');
    expect(rejectReason('no SKU and no product name: each line needs one of them', es).text).toBe('No tiene código ni nombre de producto.');
    expect(rejectReason('no amount and no unit price: each line needs one of them', es).text).toBe('No tiene monto ni precio unitario.');
    expect(rejectReason('the location is missing', es).text).toBe('Falta el local.');
    expect(rejectReason('31 February does not exist', es)).toEqual({ text: '31 February does not exist', known: false });
  });

  it('the known reasons for a failed import, counts written the user’s way', () => {
    const tooMany = '1234 of 5000 rows were rejected (more than 10 %): nothing was imported. Check the column mapping and formats.';
    expect(failureReason(tooMany, 'v.csv', es).text).toMatch(/^No se pudieron leer 1\.234 de las 5\.000 filas, más del 10 %/);
    expect(failureReason('The file is in the old Excel format (.xls); save it as .xlsx or CSV.', 'v.xls', en).text).toBe(
      '"v.xls" is in the old Excel format (.xls). Open it in Excel, save it as .xlsx or CSV and upload that.',
    );
    expect(failureReason('The gzip file is truncated; compress the CSV again.', 'v.csv.gz', es).known).toBe(true);
    expect(failureReason('The file has no column \'X\'; correct the mapping.', 'v.csv', es)).toEqual({
      text: "The file has no column 'X'; correct the mapping.",
      known: false,
    });
  });
});

/*
 * Sales imports as the API answers them (ayni/sales/preview.py, jobs.py), for the tests of features/imports: a
 * Chilean POS export read without doubt, and a file whose values leave its formats and its location open.
 */

/** The preview of tests/sales/fixtures/pos_chile.csv (its first rows), for a company with the location Providencia. */
export function posPreview() {
  return {
    encoding: 'utf-8',
    delimiter: ',',
    header_row: 4,
    rows_total: 31,
    columns: ['Fecha venta', 'Tipo doc.', 'N° doc. venta', 'Nombre sucursal', 'Producto', 'Cantidad', 'Precio unitario', 'Total neto', 'Dcto. total', 'RUT cliente', 'Observación'],
    mapping: {
      sold_at: { column: 'Fecha venta', confidence: 1.0 },
      ticket: { column: 'N° doc. venta', confidence: 1.0 },
      document_type: { column: 'Tipo doc.', confidence: 1.0 },
      product: { column: 'Producto', confidence: 1.0 },
      quantity: { column: 'Cantidad', confidence: 1.0 },
      amount: { column: 'Total neto', confidence: 1.0 },
      unit_price: { column: 'Precio unitario', confidence: 0.8 },
      discount: { column: 'Dcto. total', confidence: 0.6 },
      location: { column: 'Nombre sucursal', confidence: 1.0 },
      customer: { column: 'RUT cliente', confidence: 1.0 },
    } as Partial<Record<string, { column: string; confidence: number }>>,
    unmapped: ['Observación'],
    formats: {
      date: { order: 'DMY', pattern: '%d-%m-%Y %H:%M', example: { value: '08-10-2025 18:57', reads_as: '2025-10-08T18:57:00' } },
      number: { decimal: '.', thousands: ',', example: { value: '1.088', reads_as: 1.088 } },
    },
    candidates: { date: [{ order: 'DMY', pattern: '%d-%m-%Y %H:%M' }], number: [{ decimal: '.', thousands: ',' }] },
    ambiguous: [] as string[],
    locations: [
      { name: 'Sucursal Providencia', lines: 17, match: 'loc-1' },
      { name: 'Sucursal Ñuñoa', lines: 14, match: null },
    ] as { name: string | null; lines: number; match: string | null }[],
    date_from: '2025-10-01',
    date_to: '2025-10-31',
    replaces: 4,
    rows: [
      {
        row: 5, location: 'Sucursal Providencia', sold_at: '2025-10-01T08:05:00-03:00', ticket: 'Boleta|1001', document_type: 'Boleta',
        sku: null, product: 'Leche entera 1L', category: null, quantity: 2, amount: 2180, cost: null, discount: 0, is_return: false,
        payment_method: null, seller: null,
      },
      {
        row: 6, location: 'Sucursal Providencia', sold_at: '2025-10-01T08:05:00-03:00', ticket: 'Boleta|1001', document_type: 'Boleta',
        sku: null, product: 'Café molido 250g', category: null, quantity: 1.088, amount: 4846, cost: null, discount: 0, is_return: false,
        payment_method: null, seller: null,
      },
      {
        row: 7, location: 'Sucursal Ñuñoa', sold_at: '2025-10-02T19:30:00-03:00', ticket: 'Nota de crédito|77', document_type: 'Nota de crédito',
        sku: null, product: 'Pan amasado', category: null, quantity: -1, amount: -1990, cost: null, discount: 0, is_return: true,
        payment_method: null, seller: null,
      },
    ],
    problems: [{ code: 'rejected-rows', message: '1 of 31 rows (3.2%) would be rejected.' }],
    reading: { encoding: 'utf-8' } as object | null,
    ready: true,
  };
}

export type FakePreview = ReturnType<typeof posPreview>;

/** A file whose dates fit day-first and month-first, whose numbers fit both decimal separators, without locations. */
export function ambiguousPreview(): FakePreview {
  return {
    ...posPreview(),
    rows_total: 2,
    columns: ['Fecha', 'SKU', 'Cantidad', 'Total'],
    mapping: {
      sold_at: { column: 'Fecha', confidence: 1.0 },
      sku: { column: 'SKU', confidence: 1.0 },
      quantity: { column: 'Cantidad', confidence: 1.0 },
      amount: { column: 'Total', confidence: 1.0 },
    },
    unmapped: [],
    formats: {
      date: { order: 'DMY', pattern: '%d-%m-%Y', example: { value: '05-03-2024', reads_as: '2024-03-05T00:00:00' } },
      number: { decimal: ',', thousands: '.', example: { value: '1.500', reads_as: 1500 } },
    },
    candidates: {
      date: [
        { order: 'DMY', pattern: '%d-%m-%Y' },
        { order: 'MDY', pattern: '%m-%d-%Y' },
      ],
      number: [
        { decimal: ',', thousands: '.' },
        { decimal: ',', thousands: '' },
        { decimal: '.', thousands: ',' },
      ],
    },
    ambiguous: ['date_order', 'number_format'],
    locations: [{ name: null, lines: 2, match: null }],
    date_from: '2024-03-05',
    date_to: '2024-04-03',
    replaces: 0,
    rows: [],
    problems: [
      { code: 'ambiguous-format', message: 'The values fit more than one day and month order: choose the right one.' },
      { code: 'ambiguous-format', message: 'The values fit more than one decimal and thousands separators: choose the right one.' },
    ],
    ready: false,
  };
}

/** An import as GET .../imports/{id} answers it. */
export function importRecord(overrides: Record<string, unknown> = {}) {
  return {
    id: 'imp-1',
    filename: 'ventas-octubre.csv',
    media_type: 'text/csv',
    bytes: 4814,
    sha256: 'ab12',
    status: 'ready',
    mode: null as string | null,
    progress: { phase: null as string | null, rows_done: 0, rows_total: null as number | null },
    preview: posPreview() as FakePreview | null,
    summary: null as Record<string, unknown> | null,
    errors: [] as { row: number | null; column: string | null; value: string | null; message: string }[],
    created_by: 'u1',
    created_at: '2025-11-13T10:00:00Z',
    started_at: null as string | null,
    finished_at: null as string | null,
    file_kept: true,
    ...overrides,
  };
}

/** The company's locations as GET .../locations answers them. */
export const companyLocations = [
  { id: 'loc-1', name: 'Providencia', code: 'PRO', address: null, comuna: null, region: null, archived_at: null },
  { id: 'loc-2', name: 'Centro', code: 'CEN', address: null, comuna: null, region: null, archived_at: null },
  { id: 'loc-3', name: 'Viña (cerrado)', code: 'VIN', address: null, comuna: null, region: null, archived_at: '2025-01-01T00:00:00Z' },
];

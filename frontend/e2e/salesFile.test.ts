// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { figures, parseCsv, pesos, readSales, toWhole, type Mapping } from './salesFile';

const POS_CHILE = readFileSync(new URL('../../tests/sales/fixtures/pos_chile.csv', import.meta.url), 'utf8');
const DETECTED: Mapping = {
  sold_at: 'Fecha venta', ticket: 'N° doc. venta', document_type: 'Tipo doc.', location: 'Nombre sucursal',
  sku: 'Código', product: 'Producto', quantity: 'Cantidad', amount: 'Total neto', unit_price: 'Precio unitario',
};
const NUMBERS = { decimal: '.', thousands: ',' } as const;

describe('parseCsv', () => {
  it('reads quoted fields with delimiters, doubled quotes and line breaks, and CRLF', () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n1,"2\n3",\n')).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['1', '2\n3', ''],
    ]);
    expect(parseCsv('x;y\n1;2', ';')).toEqual([['x', 'y'], ['1', '2']]);
  });
});

describe('readSales on pos_chile.csv', () => {
  it('finds the header under the title rows and rejects the 31st of February', () => {
    const { lines, rejected } = readSales(POS_CHILE, DETECTED, NUMBERS);
    expect(lines).toHaveLength(30);
    expect(lines[0]).toMatchObject({ row: 5, day: '2025-10-01', location: 'Sucursal Providencia', ticket: 'Boleta|1001', isReturn: false });
    expect(rejected).toEqual([{ row: 25, column: 'Fecha venta', value: '31-02-2025 10:00' }]);
    // Row 19: a credit note, negative in the file; 12,990 pesos back.
    expect(lines.find((line) => line.row === 19)).toMatchObject({ isReturn: true, amount: -12_990n * 10n ** 8n });
  });

  it("gives the hand-checked totals with Ayni's mapping", () => {
    const { lines } = readSales(POS_CHILE, DETECTED, NUMBERS);
    // 2 + 3 tickets of both branches' Boletas 1001-1005, 1007, 1008 and Facturas 501, 502 are 14 (credit notes are not).
    expect(figures(lines)).toEqual({
      revenue: 350_619n,
      tickets: 14,
      // 11,691 + 25,980 - 12,990 + 116,910
      top: { product: 'Aceite de oliva, extra virgen 1L', revenue: 141_591n },
    });
  });

  it('without the amount column, prices each line at unit price x quantity (before its discount)', () => {
    const { lines } = readSales(POS_CHILE, { ...DETECTED, amount: undefined }, NUMBERS);
    // 1.088 kg x 8,990 = 9,781.12 exactly (twice) and 0.512 kg x 8,990 = 4,602.88.
    expect(lines.find((line) => line.row === 7)?.amount).toBe(978_112n * 10n ** 6n);
    expect(figures(lines)).toEqual({
      // 350,619 + the discounts 1,299 + 2,847 + 454 + 2,097 + 12,990 + 0.12 pesos of rounding, rounded
      revenue: 370_306n,
      tickets: 14,
      // 12,990 + 25,980 - 12,990 + 129,900
      top: { product: 'Aceite de oliva, extra virgen 1L', revenue: 155_880n },
    });
  });

  it('counts a ticket per location and day: one location for the file joins Boleta 1001 of both branches on 01-10', () => {
    expect(figures(readSales(POS_CHILE, { ...DETECTED, location: undefined }, NUMBERS).lines).tickets).toBe(13);
  });
});

describe('money', () => {
  it('rounds half away from zero to whole units', () => {
    expect(toWhole(5n * 10n ** 7n)).toBe(1n);
    expect(toWhole(-5n * 10n ** 7n)).toBe(-1n);
    expect(toWhole(149_999_999n)).toBe(1n);
  });

  it('writes pesos as es-CL does', () => {
    expect(pesos(1_234_567n)).toBe('$1.234.567');
    expect(pesos(999n)).toBe('$999');
    expect(pesos(0n)).toBe('$0');
    expect(pesos(-14_080n)).toBe('-$14.080');
  });
});

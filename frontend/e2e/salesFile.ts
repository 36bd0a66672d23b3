/**
 * A point of sale's CSV export read the way docs/imports.md says Ayni reads one, so that a browser test can
 * compute from the file itself the figures the dashboard must show: revenue, tickets and the top product.
 * Independent of the API's code on purpose (its own CSV reading, dates, decimals and rules), and exact: amounts
 * are integers of 10^-8 units, never floats.
 */

/** The Ayni fields a test maps, each to a column of the file (as the review's mapping does); undefined: unused. */
export interface Mapping {
  sold_at: string;
  ticket?: string;
  document_type?: string;
  location?: string;
  sku?: string;
  product?: string;
  quantity?: string;
  amount?: string;
  unit_price?: string;
}

/** How the file writes numbers and dates (the analysis's `formats`; here `DD-MM-YYYY H:MM`, DMY). */
export interface NumberFormat {
  decimal: '.' | ',';
  thousands: '.' | ',' | '';
}

export interface Line {
  /** The row as a spreadsheet numbers it (the header's row + n). */
  row: number;
  /** The local day, YYYY-MM-DD (the file's times are the company's local times). */
  day: string;
  location: string;
  /** `<document type>|<number>`: lines of one location and day with the same one form a ticket. */
  ticket: string;
  productKey: string;
  product: string;
  isReturn: boolean;
  /** Signed: a return's amount is negative. In 10^-8 of the currency unit. */
  amount: bigint;
}

export interface Reading {
  lines: Line[];
  /** The rows left out: a date that is not one, or a number that cannot be read (the first such cell). */
  rejected: { row: number; column: string; value: string }[];
}

const SCALE = 10n ** 8n;
/** What a document type or kind says when a line is a return (docs/imports.md, `kind`). */
const RETURN_WORDS = /devoluci[oó]n|nota de cr[eé]dito|return|refund/i;

/** RFC 4180: fields separated by `delimiter`, quoted with `"` (a quote doubled inside), CRLF or LF lines. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** `1,234.5` (or `1.234,5`) in 10^-4 units; null when it is not a number written that way. */
function parseNumber(text: string, { decimal, thousands }: NumberFormat): bigint | null {
  const plain = (thousands ? text.trim().split(thousands).join('') : text.trim()).replace(decimal, '.');
  const match = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(plain);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(whole!) * 10_000n + BigInt(fraction.padEnd(4, '0'));
  return sign ? -units : units;
}

/** `DD-MM-YYYY H:MM` as a local day, or null when no such day exists (31-02-2025). */
function parseDay(text: string): string | null {
  const match = /^(\d{2})-(\d{2})-(\d{4}) (\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [, dd, mm, yyyy] = match;
  const date = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd)));
  const day = `${yyyy}-${mm}-${dd}`;
  return date.toISOString().slice(0, 10) === day ? day : null;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/**
 * The lines of a CSV export under a mapping: the header is the first row holding every mapped column (a POS
 * writes title rows above it). A line's amount is the amount column, else the unit price times the quantity
 * (1 when the file has none); a return (a return document, or a negative quantity or amount) counts negative.
 */
export function readSales(text: string, mapping: Mapping, numbers: NumberFormat): Reading {
  const rows = parseCsv(text);
  const columns = Object.values(mapping).filter((column): column is string => column !== undefined);
  const headerIndex = rows.findIndex((row) => columns.every((column) => row.includes(column)));
  if (headerIndex < 0) throw new Error(`no row of the file has the columns ${columns.join(', ')}`);
  const header = rows[headerIndex]!;
  const at = (cells: string[], field: keyof Mapping) => (mapping[field] === undefined ? '' : (cells[header.indexOf(mapping[field])] ?? '').trim());
  const reading: Reading = { lines: [], rejected: [] };
  rows.slice(headerIndex + 1).forEach((cells, index) => {
    const row = headerIndex + 2 + index;
    if (cells.every((cell) => cell.trim() === '')) return;
    const day = parseDay(at(cells, 'sold_at'));
    const quantity = mapping.quantity ? parseNumber(at(cells, 'quantity'), numbers) : 10_000n;
    const amount = mapping.amount ? parseNumber(at(cells, 'amount'), numbers) : null;
    const unitPrice = mapping.unit_price ? parseNumber(at(cells, 'unit_price'), numbers) : null;
    if (day === null || quantity === null || (amount === null && unitPrice === null)) {
      const field = day === null ? 'sold_at' : quantity === null ? 'quantity' : mapping.amount ? 'amount' : 'unit_price';
      reading.rejected.push({ row, column: mapping[field] ?? '', value: at(cells, field) });
      return;
    }
    const isReturn = RETURN_WORDS.test(at(cells, 'document_type')) || quantity < 0n || (amount ?? 0n) < 0n;
    const magnitude = amount !== null ? abs(amount) * 10_000n : abs(unitPrice!) * abs(quantity);
    const sku = at(cells, 'sku');
    reading.lines.push({
      row,
      day,
      location: at(cells, 'location'),
      ticket: `${at(cells, 'document_type')}|${at(cells, 'ticket')}`,
      productKey: sku ? `sku:${sku}` : `name:${at(cells, 'product').toLowerCase()}`,
      product: at(cells, 'product') || sku,
      isReturn,
      amount: isReturn ? -magnitude : magnitude,
    });
  });
  return reading;
}

/** An amount of 10^-8 units in whole units of a currency without minor units (CLP), half away from zero. */
export function toWhole(amount: bigint): bigint {
  const rounded = (abs(amount) + SCALE / 2n) / SCALE;
  return amount < 0n ? -rounded : rounded;
}

/** The dashboard's figures for lines (docs/analytics.md): revenue, sale tickets per location and day, the top product. */
export function figures(lines: Line[]): { revenue: bigint; tickets: number; top: { product: string; revenue: bigint } } {
  const revenue = lines.reduce((sum, line) => sum + line.amount, 0n);
  const tickets = new Set(lines.filter((line) => !line.isReturn).map((line) => `${line.location}\n${line.day}\n${line.ticket}`)).size;
  const byProduct = new Map<string, { product: string; revenue: bigint }>();
  for (const line of lines) {
    const entry = byProduct.get(line.productKey) ?? { product: line.product, revenue: 0n };
    entry.revenue += line.amount;
    byProduct.set(line.productKey, entry);
  }
  const [top] = [...byProduct.values()].sort((a, b) => (b.revenue > a.revenue ? 1 : b.revenue < a.revenue ? -1 : 0));
  if (!top) throw new Error('no lines');
  return { revenue: toWhole(revenue), tickets, top: { product: top.product, revenue: toWhole(top.revenue) } };
}

/** Whole pesos as es-CL writes them: `$1.234.567`. */
export function pesos(amount: bigint): string {
  const digits = abs(amount).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${amount < 0n ? '-' : ''}$${digits}`;
}

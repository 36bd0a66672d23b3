// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatDayRange, formatMoney } from './format';

describe('money', () => {
  it('in the company’s currency, with its own minor units, the language’s way', () => {
    expect(formatMoney(350619, 'CLP', 'es-CL')).toBe('$350.619');
    expect(formatMoney(350619, 'CLP', 'en')).toBe('CLP\u00a0350,619');
    expect(formatMoney(6196.96, 'USD', 'en')).toBe('$6,196.96');
    expect(formatMoney(6196.96, 'USD', 'es-CL')).toBe('US$6.196,96');
    expect(formatMoney(-1990, 'CLP', 'es-CL')).toBe('$-1.990'); // CLDR's es-CL pattern
  });
});

describe('ranges of local dates', () => {
  it('as the language writes them, never shifted a day by the browser’s time zone', () => {
    expect(formatDayRange('2025-10-01', '2025-10-31', 'es-CL')).toBe('1–31 de octubre de 2025');
    expect(formatDayRange('2025-10-01', '2025-10-31', 'en')).toBe('October 1\u2009–\u200931, 2025');
    expect(formatDayRange('2024-12-30', '2025-01-02', 'es-CL')).toBe('30 de diciembre de 2024\u2009–\u20092 de enero de 2025');
    expect(formatDayRange('2025-10-01', '2025-10-01', 'es-CL')).toBe('1 de octubre de 2025');
  });
});

// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { changeTone, direction, formatMetric, formatMetricCompact } from './metrics';

const pesos = { currency: 'CLP', locale: 'es-CL' };
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('metrics', () => {
  it('writes each kind of metric its way', () => {
    expect(formatMetric('revenue', 48210990, pesos)).toBe('$48.210.990');
    expect(formatMetric('avg_ticket', 9416.4, pesos)).toBe('$9.416');
    expect(formatMetric('avg_ticket', 9416.4, { currency: 'USD', locale: 'en' })).toBe('$9,416.40');
    expect(formatMetric('tickets', 5120, pesos)).toBe('5.120');
    expect(formatMetric('units', 1088.125, pesos)).toBe('1.088,125');
    expect(formatMetric('units_per_ticket', 2.456, pesos)).toBe('2,46');
    expect(plain(formatMetric('margin_pct', 37.3, pesos))).toMatch(/^37,3 ?%$/);
    expect(plain(formatMetricCompact('revenue', 48210990, pesos))).toBe('$48,2 M');
    expect(plain(formatMetricCompact('tickets', 12345, pesos))).toBe('12,3 k');
    expect(formatMetricCompact('units_per_ticket', 2.456, pesos)).toBe('2,46');
  });

  it('says which way a change goes and whether it is good news', () => {
    expect(direction(6.9)).toBe('up');
    expect(direction(-0.1)).toBe('down');
    expect(direction(0)).toBe('flat');
    expect(changeTone('revenue', 'up')).toBe('good');
    expect(changeTone('revenue', 'down')).toBe('bad');
    expect(changeTone('returns', 'up')).toBe('bad');
    expect(changeTone('discounts', 'down')).toBe('good');
    expect(changeTone('tickets', 'flat')).toBe('neutral');
  });
});

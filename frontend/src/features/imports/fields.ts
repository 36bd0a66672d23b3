import type { SalesField } from '@/shared/api/types';
import type { MessageKey } from '@/shared/i18n/es';

/** Every field a column may feed, in the order the review offers them, with its name in the user's words. */
export const FIELD_TEXT: Record<SalesField, MessageKey> = {
  sold_at: 'imports.field.sold_at',
  sold_time: 'imports.field.sold_time',
  ticket: 'imports.field.ticket',
  document_type: 'imports.field.document_type',
  location: 'imports.field.location',
  sku: 'imports.field.sku',
  product: 'imports.field.product',
  category: 'imports.field.category',
  quantity: 'imports.field.quantity',
  amount: 'imports.field.amount',
  unit_price: 'imports.field.unit_price',
  discount: 'imports.field.discount',
  cost: 'imports.field.cost',
  unit_cost: 'imports.field.unit_cost',
  kind: 'imports.field.kind',
  payment_method: 'imports.field.payment_method',
  seller: 'imports.field.seller',
  customer: 'imports.field.customer',
};

export const FIELDS = Object.keys(FIELD_TEXT) as SalesField[];

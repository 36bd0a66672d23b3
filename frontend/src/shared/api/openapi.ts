import type { Operation } from './operations';

/** The parts of an OpenAPI 3.x document the check reads. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  enum?: unknown[];
}
interface MediaType {
  schema?: Schema;
}
interface OpenApiOperation {
  requestBody?: { $ref?: string; content?: Record<string, MediaType> };
  responses?: Record<string, { $ref?: string; description?: string; content?: Record<string, MediaType> }>;
}
export interface OpenApiDocument {
  openapi?: string;
  servers?: { url: string }[];
  paths?: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema>; requestBodies?: Record<string, unknown>; responses?: Record<string, unknown> };
}

function resolve<T>(doc: OpenApiDocument, value: T & { $ref?: string }, depth = 0): T {
  if (!value.$ref || depth > 20) return value;
  const parts = value.$ref.replace(/^#\//, '').split('/');
  let node: unknown = doc;
  for (const p of parts) node = (node as Record<string, unknown> | undefined)?.[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  return node ? resolve(doc, node as T & { $ref?: string }, depth + 1) : value;
}

/** Properties and required names of a schema, following $ref, allOf, anyOf/oneOf (union of branches). */
export function schemaFields(doc: OpenApiDocument, schema: Schema | undefined): { properties: Set<string>; required: Set<string> } {
  const properties = new Set<string>();
  const required = new Set<string>();
  const walk = (s: Schema | undefined, depth: number, inUnion: boolean) => {
    if (!s || depth > 20) return;
    const r = resolve(doc, s);
    Object.keys(r.properties ?? {}).forEach((k) => properties.add(k));
    if (!inUnion) (r.required ?? []).forEach((k) => required.add(k));
    r.allOf?.forEach((x) => walk(x, depth + 1, inUnion));
    [...(r.anyOf ?? []), ...(r.oneOf ?? [])].forEach((x) => walk(x, depth + 1, true));
  };
  walk(schema, 0, false);
  return { properties, required };
}

function jsonSchema(doc: OpenApiDocument, content: Record<string, MediaType> | undefined): Schema | undefined {
  if (!content) return undefined;
  const key = Object.keys(content).find((k) => k.includes('json'));
  return key ? resolve(doc, content[key]?.schema ?? {}) : undefined;
}

/** Prefix of API paths in the document: "/api/v1" unless the servers entry already carries it. */
function pathPrefix(doc: OpenApiDocument, paths: Record<string, unknown>): string {
  const server = doc.servers?.[0]?.url ?? '';
  if (/\/api\/v1\/?$/.test(server)) return '';
  return Object.keys(paths).some((p) => p.startsWith('/api/v1/')) ? '/api/v1' : '';
}

/**
 * Every problem between the calls the app makes and the API's OpenAPI document: a missing path or
 * method, a request field the API doesn't know, a required request field the app doesn't send, a
 * response field the app reads that the API doesn't declare, a success status the API doesn't list.
 */
export function checkOperations(doc: OpenApiDocument, operations: Record<string, Operation>): string[] {
  const problems: string[] = [];
  const paths = doc.paths ?? {};
  const prefix = pathPrefix(doc, paths);
  for (const [name, op] of Object.entries(operations)) {
    const fullPath = `${prefix}${op.path}`;
    const label = `${name} (${op.method} ${fullPath})`;
    const item = paths[fullPath];
    const spec = item?.[op.method.toLowerCase()];
    if (!spec) {
      problems.push(`${label}: not in the OpenAPI document`);
      continue;
    }
    const sent = new Set(Object.keys(op.request ?? {}));
    const body = spec.requestBody ? resolve(doc, spec.requestBody) : undefined;
    const bodySchema = jsonSchema(doc, body?.content);
    if (op.request && !bodySchema) problems.push(`${label}: the API declares no JSON request body`);
    if (bodySchema) {
      const { properties, required } = schemaFields(doc, bodySchema);
      for (const f of sent) if (!properties.has(f)) problems.push(`${label}: request field "${f}" unknown to the API`);
      for (const f of required) if (!sent.has(f)) problems.push(`${label}: the API requires request field "${f}"`);
    }
    const responses = spec.responses ?? {};
    const ok = responses[String(op.status)] ?? responses[`${String(op.status)[0]}XX`];
    if (!ok) {
      problems.push(`${label}: no ${op.status} response declared`);
      continue;
    }
    if (op.response) {
      const schema = jsonSchema(doc, resolve(doc, ok).content);
      if (!schema) {
        problems.push(`${label}: the ${op.status} answer has no JSON schema`);
        continue;
      }
      const { properties } = schemaFields(doc, schema);
      for (const f of Object.keys(op.response)) {
        if (!properties.has(f)) problems.push(`${label}: response field "${f}" missing from the API`);
      }
    }
  }
  return problems;
}

/** The schema of property `name`, looking through $ref, allOf, anyOf and oneOf. */
function propertySchema(doc: OpenApiDocument, schema: Schema, name: string, depth = 0): Schema | undefined {
  if (depth > 20) return undefined;
  const r = resolve(doc, schema);
  const own = r.properties?.[name];
  if (own) return resolve(doc, own);
  for (const branch of [...(r.allOf ?? []), ...(r.anyOf ?? []), ...(r.oneOf ?? [])]) {
    const found = propertySchema(doc, branch, name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The items of an array schema, also when it may be null (anyOf: [array, null]). */
function itemSchema(doc: OpenApiDocument, schema: Schema, depth = 0): Schema | undefined {
  if (depth > 20) return undefined;
  const r = resolve(doc, schema);
  if (r.items) return resolve(doc, r.items);
  for (const branch of [...(r.anyOf ?? []), ...(r.oneOf ?? [])]) {
    const found = itemSchema(doc, branch, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The schema of the API's problem+json answers (every one shares it). */
function problemSchema(doc: OpenApiDocument): Schema | undefined {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item)) {
      for (const answer of Object.values(op.responses ?? {})) {
        const schema = resolve(doc, answer).content?.['application/problem+json']?.schema;
        if (schema) return resolve(doc, schema);
      }
    }
  }
  return undefined;
}

/**
 * Every problem between the field errors the app reads and the document: a field it reads that the API
 * doesn't declare, and a `code` the API may send that the app has no text for (it would show a generic one).
 */
export function checkFieldErrors(doc: OpenApiDocument, fields: Record<string, true>, codes: readonly string[]): string[] {
  const problem = problemSchema(doc);
  const errors = problem && propertySchema(doc, problem, 'errors');
  const item = errors && itemSchema(doc, errors);
  if (!item) return ['problem+json: no "errors" array of field errors declared'];
  const { properties } = schemaFields(doc, item);
  const out = Object.keys(fields)
    .filter((f) => !properties.has(f))
    .map((f) => `problem+json: field error "${f}" missing from the API`);
  for (const code of propertySchema(doc, item, 'code')?.enum ?? []) {
    if (!codes.includes(String(code))) out.push(`problem+json: the app has no text for field error code "${String(code)}"`);
  }
  return out;
}

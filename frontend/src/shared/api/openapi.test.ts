// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fieldErrorCodes } from '../i18n/problems';
import { checkFieldErrors, checkOperations, schemaFields, type OpenApiDocument } from './openapi';
import { fieldErrorFields, operations } from './operations';

const file = new URL('../../../openapi.json', import.meta.url);
const required = process.env.AYNI_REQUIRE_OPENAPI === '1';

// scripts/test and .ci/run export the document first and set AYNI_REQUIRE_OPENAPI=1, so there this test
// always runs; a bare `npm test` without the backend checks what it can and says what it could not.
describe('the API the app calls matches frontend/openapi.json', () => {
  it('every path, method, request and response field exists', () => {
    if (!existsSync(file)) {
      expect(required, 'frontend/openapi.json is missing: export it with `ayni openapi > frontend/openapi.json`').toBe(false);
      console.warn('frontend/openapi.json not exported: the API contract was not checked');
      return;
    }
    const doc = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
    expect(checkOperations(doc, operations)).toEqual([]);
    expect(checkFieldErrors(doc, fieldErrorFields, fieldErrorCodes)).toEqual([]);
  });
});

/** DESIGN.md "Companies, locations, members": what onboarding, settings and team call. */
function companyPaths(): NonNullable<OpenApiDocument['paths']> {
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  const object = (props: string[]) => ({ type: 'object', properties: Object.fromEntries(props.map((p) => [p, {}])) });
  const body = (props: string[], required: string[]) => ({
    requestBody: json({ ...object(props), required }),
  });
  const companyFields = ['name', 'rut', 'industry', 'country', 'timezone', 'currency', 'benchmarking_opt_in'];
  const company = object(['id', ...companyFields, 'is_demo', 'created_at', 'updated_at']);
  const myCompany = { $ref: '#/components/schemas/MyCompany' };
  const location = object(['id', 'name', 'code', 'address', 'comuna', 'region', 'archived_at']);
  const locationFields = ['name', 'code', 'address', 'comuna', 'region'];
  const member = object(['user_id', 'email', 'full_name', 'role']);
  const invitation = object(['id', 'email', 'role', 'invited_by', 'created_at', 'expires_at']);
  const items = json(object(['items']));
  const empty = { description: 'no content' };
  const job = json({ $ref: '#/components/schemas/JobRecord' });
  return {
    '/api/v1/companies': {
      get: { responses: { 200: items } },
      post: { ...body(companyFields, ['name', 'industry']), responses: { 201: json(myCompany) } },
    },
    '/api/v1/companies/demo': { post: { responses: { 201: json(myCompany) } } },
    '/api/v1/companies/{company_id}': {
      patch: { ...body(companyFields, []), responses: { 200: json(company) } },
      delete: { ...body(['confirm_name'], ['confirm_name']), responses: { 202: job } },
    },
    '/api/v1/companies/{company_id}/locations': {
      get: { responses: { 200: items } },
      post: { ...body(locationFields, ['name', 'code']), responses: { 201: json(location) } },
    },
    '/api/v1/companies/{company_id}/locations/{location_id}': {
      patch: { ...body(locationFields, []), responses: { 200: json(location) } },
      delete: { responses: { 200: json(location), 204: empty } },
    },
    '/api/v1/companies/{company_id}/members': { get: { responses: { 200: items } } },
    '/api/v1/companies/{company_id}/members/{user_id}': {
      patch: { ...body(['role'], ['role']), responses: { 200: json(member) } },
      delete: { responses: { 204: empty } },
    },
    '/api/v1/companies/{company_id}/invitations': {
      get: { responses: { 200: items } },
      post: { ...body(['email', 'role'], ['email', 'role']), responses: { 201: json(invitation) } },
    },
    '/api/v1/companies/{company_id}/invitations/{invitation_id}': { delete: { responses: { 204: empty } } },
  };
}

/** DESIGN.md "Sales imports": what the imports feature calls. */
function importPaths(): NonNullable<OpenApiDocument['paths']> {
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  const object = (props: string[]) => ({ type: 'object', properties: Object.fromEntries(props.map((p) => [p, {}])) });
  const record = json(
    object([
      'id', 'filename', 'media_type', 'bytes', 'sha256', 'status', 'mode', 'progress', 'preview', 'summary', 'errors',
      'created_by', 'created_at', 'started_at', 'finished_at', 'file_kept',
    ]),
  );
  const corrections = ['mapping', 'formats', 'locations', 'location_id', 'mode'];
  return {
    '/api/v1/companies/{company_id}/imports': {
      get: { responses: { 200: json(object(['items', 'next_cursor'])) } },
      post: { requestBody: { content: { 'text/csv': { schema: { type: 'string' } } } }, responses: { 201: record } },
    },
    '/api/v1/companies/{company_id}/imports/{import_id}': { get: { responses: { 200: record } }, delete: { responses: { 202: record } } },
    '/api/v1/companies/{company_id}/imports/{import_id}/start': {
      post: { requestBody: json({ ...object(corrections), required: [] }), responses: { 202: record } },
    },
    '/api/v1/companies/{company_id}/imports/{import_id}/rejected.csv': {
      get: { responses: { 200: { description: 'OK', content: { 'text/csv': { schema: { type: 'string' } } } } } },
    },
  };
}

/** A document written from DESIGN.md, to prove the checker catches drift. */
function designDoc(): OpenApiDocument {
  const user = { type: 'object', properties: { id: {}, email: {}, full_name: {}, email_verified: {}, created_at: {} } };
  const pair = { type: 'object', properties: { access_token: {}, refresh_token: {}, token_type: {}, expires_in: {} } };
  const job = {
    type: 'object',
    properties: Object.fromEntries(
      ['id', 'actor', 'status', 'attempts', 'created_at', 'started_at', 'finished_at', 'error', 'result', 'progress'].map((p) => [p, {}]),
    ),
  };
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  const body = (props: string[], req: string[] = props) => ({
    requestBody: json({ type: 'object', properties: Object.fromEntries(props.map((p) => [p, {}])), required: req }),
  });
  const empty = { description: 'no content' };
  const myCompany = {
    type: 'object',
    properties: Object.fromEntries(
      ['id', 'name', 'rut', 'industry', 'country', 'timezone', 'currency', 'benchmarking_opt_in', 'is_demo', 'created_at', 'updated_at', 'role'].map(
        (p) => [p, {}],
      ),
    ),
  };
  const fieldError = {
    type: 'object',
    properties: { field: {}, message: {}, code: { type: 'string', enum: ['required', 'too-long'] }, limit: {} },
    required: ['field', 'message', 'code'],
  };
  const problem = {
    type: 'object',
    properties: { type: {}, title: {}, status: {}, detail: {}, errors: { anyOf: [{ type: 'array', items: { $ref: '#/components/schemas/FieldError' } }, { type: 'null' }] } },
  };
  const object = (props: string[]) => json({ type: 'object', properties: Object.fromEntries(props.map((p) => [p, {}])) });
  const ranged = ['currency', 'metric', 'from', 'to', 'compare', 'meta'];
  const refused = { description: 'Unprocessable Content', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  return {
    openapi: '3.1.0',
    components: { schemas: { User: user, TokenPair: pair, JobRecord: job, FieldError: fieldError, Problem: problem, MyCompany: myCompany } },
    paths: {
      '/api/v1/auth/register': {
        post: { ...body(['email', 'password', 'full_name'], ['email', 'password']), responses: { 201: json({ $ref: '#/components/schemas/User' }), 422: refused } },
      },
      '/api/v1/auth/verify-email': { post: { ...body(['token']), responses: { 200: json({ $ref: '#/components/schemas/User' }) } } },
      '/api/v1/auth/verify-email/resend': { post: { ...body(['email']), responses: { 202: empty } } },
      '/api/v1/auth/login': { post: { ...body(['email', 'password']), responses: { 200: json({ allOf: [{ $ref: '#/components/schemas/TokenPair' }] }) } } },
      '/api/v1/auth/refresh': { post: { ...body(['refresh_token'], []), responses: { 200: json({ $ref: '#/components/schemas/TokenPair' }) } } },
      '/api/v1/auth/logout': { post: { ...body(['refresh_token'], []), responses: { 204: empty } } },
      '/api/v1/auth/logout-all': { post: { responses: { 204: empty } } },
      '/api/v1/auth/me': {
        get: { responses: { 200: json({ $ref: '#/components/schemas/User' }) } },
        patch: { ...body(['full_name'], []), responses: { 200: json({ $ref: '#/components/schemas/User' }) } },
      },
      '/api/v1/auth/password': { post: { ...body(['current_password', 'new_password']), responses: { 204: empty } } },
      '/api/v1/auth/password-reset': { post: { ...body(['email']), responses: { 202: empty } } },
      '/api/v1/auth/password-reset/confirm': { post: { ...body(['token', 'new_password']), responses: { 204: empty } } },
      '/api/v1/health': {
        get: { responses: { 200: json({ type: 'object', properties: { status: {}, timestamp: {}, services: {} } }) } },
      },
      '/api/v1/jobs/ping': { post: { ...body(['sleep_ms', 'fail'], []), responses: { 202: json({ $ref: '#/components/schemas/JobRecord' }) } } },
      '/api/v1/jobs/{job_id}': { get: { responses: { 200: json({ $ref: '#/components/schemas/JobRecord' }) } } },
      '/api/v1/invitations/accept': { post: { ...body(['token']), responses: { 200: json({ $ref: '#/components/schemas/MyCompany' }) } } },
      ...companyPaths(),
      '/api/v1/companies/{company_id}/analytics/overview': {
        get: { responses: { 200: object(['currency', 'from', 'to', 'compare', 'data_through', 'metrics', 'meta']) } },
      },
      '/api/v1/companies/{company_id}/analytics/timeseries': { get: { responses: { 200: object([...ranged, 'grain', 'points']) } } },
      '/api/v1/companies/{company_id}/analytics/breakdown': { get: { responses: { 200: object([...ranged, 'by', 'rows', 'others']) } } },
      '/api/v1/companies/{company_id}/analytics/heatmap': {
        get: { responses: { 200: object(['currency', 'metric', 'from', 'to', 'days', 'cells', 'meta']) } },
      },
      '/api/v1/companies/{company_id}/analytics/calendar': {
        get: { responses: { 200: object(['currency', 'year', 'months', 'last_month', 'last_day']) } },
      },
      ...importPaths(),
    },
  } as OpenApiDocument;
}

describe('checkOperations', () => {
  it('accepts a document that follows DESIGN.md', () => {
    expect(checkOperations(designDoc(), operations)).toEqual([]);
  });

  it('accepts paths relative to a server url ending in /api/v1', () => {
    const doc = designDoc();
    doc.servers = [{ url: 'https://api.ayni.cl/api/v1' }];
    doc.paths = Object.fromEntries(Object.entries(doc.paths ?? {}).map(([p, v]) => [p.replace('/api/v1', ''), v]));
    expect(checkOperations(doc, operations)).toEqual([]);
  });

  it('reports a missing route, an unknown or missing field, and a missing status', () => {
    const doc = designDoc();
    const paths = doc.paths!;
    delete paths['/api/v1/auth/logout-all'];
    paths['/api/v1/auth/login']!.post!.requestBody = {
      content: { 'application/json': { schema: { properties: { username: {}, password: {} }, required: ['username', 'password'] } } },
    };
    paths['/api/v1/auth/me']!.get!.responses = { 200: { content: { 'application/json': { schema: { properties: { id: {} } } } } } };
    paths['/api/v1/auth/password']!.post!.responses = { 200: {} };
    paths['/api/v1/auth/verify-email']!.post!.requestBody = undefined;
    paths['/api/v1/health']!.get!.responses = { 200: { description: 'text' } };
    const problems = checkOperations(doc, operations);
    expect(problems).toEqual(
      expect.arrayContaining([
        'logoutAll (POST /api/v1/auth/logout-all): not in the OpenAPI document',
        'login (POST /api/v1/auth/login): request field "email" unknown to the API',
        'login (POST /api/v1/auth/login): the API requires request field "username"',
        'me (GET /api/v1/auth/me): response field "email" missing from the API',
        'changePassword (POST /api/v1/auth/password): no 204 response declared',
        'verifyEmail (POST /api/v1/auth/verify-email): the API declares no JSON request body',
        'health (GET /api/v1/health): the 200 answer has no JSON schema',
      ]),
    );
  });

  it('reads anyOf branches and 2XX ranges', () => {
    const doc = designDoc();
    doc.paths!['/api/v1/auth/password']!.post!.responses = { '2XX': {} };
    expect(checkOperations(doc, { changePassword: operations.changePassword })).toEqual([]);
    const fields = schemaFields(doc, { anyOf: [{ properties: { a: {} }, required: ['a'] }, { $ref: '#/components/schemas/User' }] });
    expect([...fields.properties]).toContain('a');
    expect([...fields.properties]).toContain('email');
    expect(fields.required.size).toBe(0);
  });

  it('checks the field errors of problem+json: what the app reads, and a text for every code', () => {
    const doc = designDoc();
    expect(checkFieldErrors(doc, fieldErrorFields, fieldErrorCodes)).toEqual([]);
    const schemas = doc.components!.schemas!;
    schemas.FieldError = { properties: { field: {}, message: {}, code: { enum: ['required', 'too-long', 'password-too-fun'] } } };
    expect(checkFieldErrors(doc, fieldErrorFields, fieldErrorCodes)).toEqual([
      'problem+json: field error "limit" missing from the API',
      'problem+json: the app has no text for field error code "password-too-fun"',
    ]);
    schemas.Problem = { allOf: [{ properties: { errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } } } }] };
    expect(checkFieldErrors(doc, { field: true }, ['required', 'too-long', 'password-too-fun'])).toEqual([]);
    schemas.Problem = { properties: { detail: {} } };
    expect(checkFieldErrors(doc, fieldErrorFields, fieldErrorCodes)).toEqual(['problem+json: no "errors" array of field errors declared']);
  });
});

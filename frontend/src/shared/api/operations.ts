import type { paths } from './schema.gen';
import type {
  AcceptInvitationRequest,
  Breakdown,
  Calendar,
  ChangePasswordRequest,
  Company,
  CompanyCreate,
  CompanyDelete,
  CompanyList,
  CompanyUpdate,
  EmailRequest,
  FieldError,
  Health,
  Heatmap,
  ImportPage,
  ImportRecord,
  Invitation,
  InvitationCreate,
  InvitationList,
  Job,
  Location,
  LocationCreate,
  LocationList,
  LocationUpdate,
  LoginRequest,
  Member,
  MemberList,
  MyCompany,
  Overview,
  PasswordResetConfirmRequest,
  PingRequest,
  RegisterRequest,
  RoleChange,
  StartImport,
  Timeseries,
  TokenPair,
  UpdateMeRequest,
  User,
  VerifyEmailRequest,
} from './types';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Every field of T, listed once; the compiler rejects a missing or an unknown one. */
type Fields<T> = Record<keyof T, true>;

type ApiPrefix = '/api/v1';
/** A path of the OpenAPI document, under the API base URL: "/auth/me" for "/api/v1/auth/me". */
export type ApiPath = keyof paths extends infer P ? (P extends `${ApiPrefix}${infer R}` ? R : never) : never;

export interface Operation {
  method: Method;
  /** Path under the API base URL (/api/v1); `{name}` holes are filled from `params`. */
  path: ApiPath;
  /** Whether the request carries the access token. */
  auth: boolean;
  /** Fields the client sends in the JSON body; null when it sends no body. */
  request: Fields<object> | null;
  /** Fields the client reads from a 2xx JSON answer; null when it reads none. */
  response: Fields<object> | null;
  /** Expected success status. */
  status: number;
}

const user: Fields<User> = { id: true, email: true, full_name: true, email_verified: true, created_at: true };
const tokenPair: Fields<TokenPair> = { access_token: true, refresh_token: true, token_type: true, expires_in: true };
const health: Fields<Health> = { status: true, timestamp: true, services: true };
const email: Fields<EmailRequest> = { email: true };
const job: Fields<Job> = {
  id: true, actor: true, status: true, attempts: true, created_at: true, started_at: true, finished_at: true,
  error: true, result: true, progress: true,
};
const company: Fields<Company> = {
  id: true, name: true, rut: true, industry: true, country: true, timezone: true, currency: true,
  benchmarking_opt_in: true, is_demo: true, created_at: true, updated_at: true,
};
const myCompany: Fields<MyCompany> = { ...company, role: true };
const location: Fields<Location> = {
  id: true, name: true, code: true, address: true, comuna: true, region: true, archived_at: true,
};
const member: Fields<Member> = { user_id: true, email: true, full_name: true, role: true };
const invitation: Fields<Invitation> = {
  id: true, email: true, role: true, invited_by: true, created_at: true, expires_at: true,
};

const importRecord: Fields<ImportRecord> = {
  id: true, filename: true, media_type: true, bytes: true, sha256: true, status: true, mode: true, progress: true,
  preview: true, summary: true, errors: true, created_by: true, created_at: true, started_at: true, finished_at: true,
  file_kept: true,
};

/**
 * Every call the web app makes to the API: the list the OpenAPI check walks. Paths and methods are
 * checked by the compiler against the generated schema (`call` in api.ts types bodies and answers from it).
 */
export const operations = {
  register: {
    method: 'POST', path: '/auth/register', auth: false, status: 201, response: user,
    request: { email: true, password: true, full_name: true } satisfies Fields<RegisterRequest>,
  },
  verifyEmail: {
    method: 'POST', path: '/auth/verify-email', auth: false, status: 200, response: user,
    request: { token: true } satisfies Fields<VerifyEmailRequest>,
  },
  resendVerification: {
    method: 'POST', path: '/auth/verify-email/resend', auth: false, status: 202, response: null, request: email,
  },
  login: {
    method: 'POST', path: '/auth/login', auth: false, status: 200, response: tokenPair,
    request: { email: true, password: true } satisfies Fields<LoginRequest>,
  },
  refresh: { method: 'POST', path: '/auth/refresh', auth: false, status: 200, response: tokenPair, request: null },
  logout: { method: 'POST', path: '/auth/logout', auth: false, status: 204, response: null, request: null },
  logoutAll: { method: 'POST', path: '/auth/logout-all', auth: true, status: 204, response: null, request: null },
  me: { method: 'GET', path: '/auth/me', auth: true, status: 200, response: user, request: null },
  updateMe: {
    method: 'PATCH', path: '/auth/me', auth: true, status: 200, response: user,
    request: { full_name: true } satisfies Fields<UpdateMeRequest>,
  },
  changePassword: {
    method: 'POST', path: '/auth/password', auth: true, status: 204, response: null,
    request: { current_password: true, new_password: true } satisfies Fields<ChangePasswordRequest>,
  },
  requestPasswordReset: {
    method: 'POST', path: '/auth/password-reset', auth: false, status: 202, response: null, request: email,
  },
  confirmPasswordReset: {
    method: 'POST', path: '/auth/password-reset/confirm', auth: false, status: 204, response: null,
    request: { token: true, new_password: true } satisfies Fields<PasswordResetConfirmRequest>,
  },
  health: { method: 'GET', path: '/health', auth: false, status: 200, response: health, request: null },
  ping: {
    method: 'POST', path: '/jobs/ping', auth: true, status: 202, response: job,
    request: { sleep_ms: true, fail: true } satisfies Fields<PingRequest>,
  },
  job: { method: 'GET', path: '/jobs/{job_id}', auth: true, status: 200, response: job, request: null },
  myCompanies: {
    method: 'GET', path: '/companies', auth: true, status: 200, request: null,
    response: { items: true } satisfies Fields<CompanyList>,
  },
  acceptInvitation: {
    method: 'POST', path: '/invitations/accept', auth: true, status: 200, response: myCompany,
    request: { token: true } satisfies Fields<AcceptInvitationRequest>,
  },
  // Onboarding, settings and team (issue 15): companies, their locations, members and invitations.
  createCompany: {
    method: 'POST', path: '/companies', auth: true, status: 201, response: myCompany,
    request: {
      name: true, rut: true, industry: true, country: true, timezone: true, currency: true, benchmarking_opt_in: true,
    } satisfies Fields<CompanyCreate>,
  },
  createDemoCompany: { method: 'POST', path: '/companies/demo', auth: true, status: 201, response: myCompany, request: null },
  updateCompany: {
    method: 'PATCH', path: '/companies/{company_id}', auth: true, status: 200, response: company,
    request: {
      name: true, rut: true, industry: true, country: true, timezone: true, currency: true, benchmarking_opt_in: true,
    } satisfies Fields<CompanyUpdate>,
  },
  deleteCompany: {
    method: 'DELETE', path: '/companies/{company_id}', auth: true, status: 202, response: job,
    request: { confirm_name: true } satisfies Fields<CompanyDelete>,
  },
  locations: {
    method: 'GET', path: '/companies/{company_id}/locations', auth: true, status: 200, request: null,
    response: { items: true } satisfies Fields<LocationList>,
  },
  createLocation: {
    method: 'POST', path: '/companies/{company_id}/locations', auth: true, status: 201, response: location,
    request: { name: true, code: true, address: true, comuna: true, region: true } satisfies Fields<LocationCreate>,
  },
  updateLocation: {
    method: 'PATCH', path: '/companies/{company_id}/locations/{location_id}', auth: true, status: 200, response: location,
    request: { name: true, code: true, address: true, comuna: true, region: true } satisfies Fields<LocationUpdate>,
  },
  // 200 with the location when it had sales (archived), 204 when it had none (deleted): the call resolves to
  // the archived location or undefined.
  removeLocation: {
    method: 'DELETE', path: '/companies/{company_id}/locations/{location_id}', auth: true, status: 200,
    response: location, request: null,
  },
  members: {
    method: 'GET', path: '/companies/{company_id}/members', auth: true, status: 200, request: null,
    response: { items: true } satisfies Fields<MemberList>,
  },
  changeMemberRole: {
    method: 'PATCH', path: '/companies/{company_id}/members/{user_id}', auth: true, status: 200, response: member,
    request: { role: true } satisfies Fields<RoleChange>,
  },
  removeMember: {
    method: 'DELETE', path: '/companies/{company_id}/members/{user_id}', auth: true, status: 204, response: null,
    request: null,
  },
  invitations: {
    method: 'GET', path: '/companies/{company_id}/invitations', auth: true, status: 200, request: null,
    response: { items: true } satisfies Fields<InvitationList>,
  },
  invite: {
    method: 'POST', path: '/companies/{company_id}/invitations', auth: true, status: 201, response: invitation,
    request: { email: true, role: true } satisfies Fields<InvitationCreate>,
  },
  revokeInvitation: {
    method: 'DELETE', path: '/companies/{company_id}/invitations/{invitation_id}', auth: true, status: 204,
    response: null, request: null,
  },
  // The dashboard (features/dashboard): the analytics reads (and `locations`, which its filter lists).
  analyticsOverview: {
    method: 'GET', path: '/companies/{company_id}/analytics/overview', auth: true, status: 200, request: null,
    response: {
      currency: true, from: true, to: true, compare: true, data_through: true, metrics: true, meta: true,
    } satisfies Fields<Overview>,
  },
  analyticsTimeseries: {
    method: 'GET', path: '/companies/{company_id}/analytics/timeseries', auth: true, status: 200, request: null,
    response: {
      currency: true, metric: true, grain: true, from: true, to: true, compare: true, points: true, meta: true,
    } satisfies Fields<Timeseries>,
  },
  analyticsBreakdown: {
    method: 'GET', path: '/companies/{company_id}/analytics/breakdown', auth: true, status: 200, request: null,
    response: {
      currency: true, metric: true, by: true, from: true, to: true, compare: true, rows: true, others: true, meta: true,
    } satisfies Fields<Breakdown>,
  },
  analyticsHeatmap: {
    method: 'GET', path: '/companies/{company_id}/analytics/heatmap', auth: true, status: 200, request: null,
    response: { currency: true, metric: true, from: true, to: true, days: true, cells: true, meta: true } satisfies Fields<Heatmap>,
  },
  analyticsCalendar: {
    method: 'GET', path: '/companies/{company_id}/analytics/calendar', auth: true, status: 200, request: null,
    response: { currency: true, year: true, months: true, last_month: true, last_day: true } satisfies Fields<Calendar>,
  },
  // Sales imports (features/imports): upload (the file is the body, sent by `upload`), review, start, history, undo.
  uploadImport: {
    method: 'POST', path: '/companies/{company_id}/imports', auth: true, status: 201, request: null, response: importRecord,
  },
  importList: {
    method: 'GET', path: '/companies/{company_id}/imports', auth: true, status: 200, request: null,
    response: { items: true, next_cursor: true } satisfies Fields<ImportPage>,
  },
  importRecord: {
    method: 'GET', path: '/companies/{company_id}/imports/{import_id}', auth: true, status: 200, request: null,
    response: importRecord,
  },
  startImport: {
    method: 'POST', path: '/companies/{company_id}/imports/{import_id}/start', auth: true, status: 202,
    request: { mapping: true, formats: true, locations: true, location_id: true, mode: true } satisfies Fields<StartImport>,
    response: importRecord,
  },
  undoImport: {
    method: 'DELETE', path: '/companies/{company_id}/imports/{import_id}', auth: true, status: 202, request: null,
    response: importRecord,
  },
  rejectedRows: {
    method: 'GET', path: '/companies/{company_id}/imports/{import_id}/rejected.csv', auth: true, status: 200,
    request: null, response: null,
  },
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;

type Op<N extends OperationName> = (typeof operations)[N];
/** The generated schema's entry for one operation (its parameters, body and answers). */
type Spec<N extends OperationName> = paths[`${ApiPrefix}${Op<N>['path']}`][Lowercase<Op<N>['method']>];
type Json<T> = T extends { content: { 'application/json': infer J } } ? J : undefined;

/** The JSON body an operation takes (undefined when it takes none). */
export type BodyOf<N extends OperationName> =
  Spec<N> extends { requestBody: { content: { 'application/json': infer B } } }
    ? B
    : Spec<N> extends { requestBody?: { content: { 'application/json': infer B } } }
      ? B | undefined
      : undefined;
/** What a 2xx answer of an operation holds (undefined when it has no JSON body). */
export type AnswerOf<N extends OperationName> = Spec<N> extends { responses: infer R }
  ? Json<R[Op<N>['status'] & keyof R]>
  : never;
/** The query parameters of an operation (never when it has none). */
export type QueryOf<N extends OperationName> = Spec<N> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** The path parameters of an operation ({} when it has none). */
export type ParamsOf<N extends OperationName> = Spec<N> extends { parameters: { path: infer P } } ? P : never;

/** The fields the web app reads from each field error of a 422 (problem+json `errors[]`). */
export const fieldErrorFields: Fields<FieldError> = { field: true, message: true, code: true, limit: true };

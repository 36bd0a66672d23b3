import type {
  ChangePasswordRequest,
  EmailRequest,
  FieldError,
  Health,
  LoginRequest,
  PasswordResetConfirmRequest,
  RegisterRequest,
  TokenPair,
  UpdateMeRequest,
  User,
  VerifyEmailRequest,
} from './types';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Every field of T, listed once; the compiler rejects a missing or an unknown one. */
type Fields<T> = Record<keyof T, true>;

export interface Operation {
  method: Method;
  /** Path under the API base URL (/api/v1). */
  path: string;
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

/** Every call the web app makes to the API: the list the OpenAPI check walks. */
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
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;

/** The fields the web app reads from each field error of a 422 (problem+json `errors[]`). */
export const fieldErrorFields: Fields<FieldError> = { field: true, message: true, code: true, limit: true };

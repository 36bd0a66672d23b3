/**
 * Request and response shapes of the Ayni API (/work/shared/DESIGN.md, "HTTP contract").
 * `operations.ts` lists the fields of each; `openapi.test.ts` checks them against the API's
 * OpenAPI document (frontend/openapi.json) so an API change that breaks the app breaks the build.
 */

export interface User {
  id: string;
  email: string;
  full_name: string | null;
  email_verified: boolean;
  created_at: string;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface RegisterRequest {
  email: string;
  password: string;
  full_name?: string;
}

export interface VerifyEmailRequest {
  token: string;
}

export interface EmailRequest {
  email: string;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface UpdateMeRequest {
  full_name: string;
}

export interface ChangePasswordRequest {
  current_password: string;
  new_password: string;
}

export interface PasswordResetConfirmRequest {
  token: string;
  new_password: string;
}

export type ServiceStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface Health {
  status: ServiceStatus;
  timestamp: string;
  services: Record<string, ServiceStatus | string>;
}

/** Why a field was refused: what the web app turns into a text in its own language. */
export type FieldErrorCode =
  | 'required'
  | 'not-allowed'
  | 'invalid-type'
  | 'too-short'
  | 'too-long'
  | 'too-small'
  | 'too-large'
  | 'invalid-email'
  | 'invalid-value'
  | 'password-too-short'
  | 'password-too-long'
  | 'password-is-email'
  | 'password-is-email-name'
  | 'password-too-common'
  | 'password-incorrect';

/**
 * One refused field of a 422. `message` is the API's English for REST clients: the web app never
 * shows it, it shows its own text for `code` (i18n/problems.ts).
 */
export interface FieldError {
  field: string;
  message: string;
  /** One of FieldErrorCode, or one newer than this app (it then shows a generic text). */
  code: string;
  /** The bound a length or size rule broke (characters, or the number itself). */
  limit?: number;
}

/** RFC 9457 problem details, as the API sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

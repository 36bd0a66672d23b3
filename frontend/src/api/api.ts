import { createApiClient, type ApiClient } from './client';
import { operations, type OperationName } from './operations';
import type {
  ChangePasswordRequest,
  Health,
  LoginRequest,
  PasswordResetConfirmRequest,
  RegisterRequest,
  TokenPair,
  UpdateMeRequest,
  User,
} from './types';
import { connectivity } from './connectivity';

const API_PATH = '/api/v1';

/**
 * The API base URL, fixed at build time from VITE_API_URL. Default: the same origin (`/api/v1`,
 * relative), where the static host forwards /api/* to the API, so the SameSite=Strict refresh cookie is
 * first-party. An absolute URL still works (an API on its own origin that allows this one by CORS); an
 * origin alone, as in `VITE_API_URL=https://api.ayni.cl`, means the API's usual path there.
 */
export function apiBaseUrl(env: { VITE_API_URL?: string } = import.meta.env): string {
  const url = env.VITE_API_URL?.trim().replace(/\/+$/, '');
  if (!url) return API_PATH;
  return /^https?:\/\/[^/]+$/i.test(url) ? `${url}${API_PATH}` : url;
}

let sessionExpiredListener: (() => void) | null = null;

/** The AuthProvider listens here to sign out when a refresh is refused. */
export function onSessionExpired(listener: (() => void) | null): void {
  sessionExpiredListener = listener;
}

export const client: ApiClient = createApiClient({
  baseUrl: apiBaseUrl(),
  onSessionExpired: () => sessionExpiredListener?.(),
  onConnectivity: (up) => connectivity.set(up),
});

function call<T>(name: OperationName, body?: unknown, extra?: { acceptStatuses?: number[]; signal?: AbortSignal }): Promise<T> {
  const op = operations[name];
  return client.request<T>(op.method, op.path, { body, auth: op.auth, ...extra });
}

/** Typed calls, one per entry of `operations`. */
export const api = {
  register: (body: RegisterRequest) => call<User>('register', body),
  verifyEmail: (token: string) => call<User>('verifyEmail', { token }),
  resendVerification: (email: string) => call<undefined>('resendVerification', { email }),
  login: async (body: LoginRequest) => {
    const pair = await call<TokenPair>('login', body);
    client.setTokens(pair);
    return pair;
  },
  logout: () => call<undefined>('logout'),
  logoutAll: () => call<undefined>('logoutAll'),
  me: () => call<User>('me'),
  updateMe: (body: UpdateMeRequest) => call<User>('updateMe', body),
  changePassword: (body: ChangePasswordRequest) => call<undefined>('changePassword', body),
  requestPasswordReset: (email: string) => call<undefined>('requestPasswordReset', { email }),
  confirmPasswordReset: (body: PasswordResetConfirmRequest) => call<undefined>('confirmPasswordReset', body),
  health: (signal?: AbortSignal) => call<Health>('health', undefined, { acceptStatuses: [503], signal }),
};

/**
 * The shapes of the Ayni API, taken from the generated schema (schema.gen.ts, `npm run api:types`), so an
 * API change shows up here as a type error. Only the problem types below are the app's own: it reads a
 * problem+json body tolerantly (toProblem), whatever a proxy or an older API sends.
 */
import type { components } from './schema.gen';

type Schemas = components['schemas'];

export type User = Schemas['User'];
export type TokenPair = Schemas['TokenPair'];
export type RegisterRequest = Schemas['RegisterRequest'];
export type VerifyEmailRequest = Schemas['VerifyEmailRequest'];
export type EmailRequest = Schemas['EmailRequest'];
export type LoginRequest = Schemas['LoginRequest'];
export type UpdateMeRequest = Schemas['UpdateMeRequest'];
export type ChangePasswordRequest = Schemas['ChangePasswordRequest'];
export type PasswordResetConfirmRequest = Schemas['PasswordResetConfirmRequest'];
export type Health = Schemas['HealthReport'];
export type ServiceStatus = Health['status'];
export type PingRequest = Schemas['PingRequest'];
export type Job = Schemas['JobRecord'];
export type JobStatus = Schemas['Status'];
export type Role = Schemas['Role'];
/** A company as its member sees it: with the caller's role. */
export type MyCompany = Schemas['MyCompany'];
export type CompanyList = Schemas['CompanyList'];
export type AcceptInvitationRequest = Schemas['AcceptInvitation'];
// Companies, locations and teams (issue 15: onboarding, settings, team).
export type Industry = Schemas['Industry'];
export type Company = Schemas['Company'];
export type CompanyCreate = Schemas['CompanyCreate'];
export type CompanyUpdate = Schemas['CompanyUpdate'];
export type CompanyDelete = Schemas['CompanyDelete'];
export type Location = Schemas['Location'];
export type LocationList = Schemas['LocationList'];
export type LocationCreate = Schemas['LocationCreate'];
export type LocationUpdate = Schemas['LocationUpdate'];
export type Member = Schemas['Member'];
export type MemberList = Schemas['MemberList'];
export type RoleChange = Schemas['RoleChange'];
export type Invitation = Schemas['Invitation'];
export type InvitationList = Schemas['InvitationList'];
export type InvitationCreate = Schemas['InvitationCreate'];

/** Sales imports (DESIGN.md "Sales imports"): an import's record, a page of them, the corrections that start one. */
export type ImportRecord = Schemas['ImportRecord'];
export type ImportStatus = ImportRecord['status'];
export type ImportSummary = Schemas['ImportSummary'];
export type ImportPage = Schemas['ImportPage'];
export type RowError = Schemas['RowError'];
export type StartImport = Schemas['StartImport'];
export type ImportMode = NonNullable<StartImport['mode']>;
/** The fields of a sale line a file's columns may feed. */
export type SalesField = Schemas['Field'];
export type DateChoice = Schemas['DateChoice'];
export type NumberChoice = Schemas['NumberChoice'];

/** Why a field was refused: what the web app turns into a text in its own language. */
export type FieldErrorCode = Schemas['FieldError']['code'];

/**
 * One refused field of a 422. `message` is the API's English for REST clients: the web app never
 * shows it, it shows its own text for `code` (i18n/problems.ts).
 */
export interface FieldError extends Omit<Schemas['FieldError'], 'code'> {
  /** One of FieldErrorCode, or one newer than this app (it then shows a generic text). */
  code: string;
}

/** RFC 9457 problem details, as the app keeps them (every part but type, title and status may be missing). */
export interface Problem extends Pick<Schemas['Problem'], 'type' | 'title' | 'status'> {
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

// The dashboard (analytics answers, DESIGN.md "Analytics").
export type Overview = Schemas['Overview'];
export type Timeseries = Schemas['Timeseries'];
export type Breakdown = Schemas['Breakdown'];
export type BreakdownRow = Schemas['Row'];
export type BreakdownOthers = Schemas['Others'];
export type Heatmap = Schemas['Heatmap'];
export type Calendar = Schemas['Calendar'];
export type CalendarMonth = Schemas['CalendarMonth'];
export type AnalyticsMeta = Schemas['Meta'];
export type Metric = Timeseries['metric'];
export type Grain = Timeseries['grain'];

import { HttpStatus } from '@nestjs/common';

/** Machine-readable error codes: the contract clients switch on. */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedJson = 'MALFORMED_JSON',
  Unauthorized = 'UNAUTHORIZED',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  ApiKeyInvalid = 'API_KEY_INVALID',
  ApiKeyExpired = 'API_KEY_EXPIRED',
  ApiKeyRevoked = 'API_KEY_REVOKED',
  StreamTokenInvalid = 'STREAM_TOKEN_INVALID',
  Forbidden = 'FORBIDDEN',
  InsufficientScope = 'INSUFFICIENT_SCOPE',
  ApiKeyNotAllowed = 'API_KEY_NOT_ALLOWED',
  NotAMember = 'NOT_A_MEMBER',
  OrganizationRequired = 'ORGANIZATION_REQUIRED',
  NotFound = 'NOT_FOUND',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  Conflict = 'CONFLICT',
  EmailTaken = 'EMAIL_TAKEN',
  AlreadyMember = 'ALREADY_MEMBER',
  LastAdmin = 'LAST_ADMIN',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  HeadersTooLarge = 'HEADERS_TOO_LARGE',
  MalformedRequest = 'MALFORMED_REQUEST',
  RequestTimeout = 'REQUEST_TIMEOUT',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  BusinessRule = 'BUSINESS_RULE_VIOLATION',
  InvalidAssignee = 'INVALID_ASSIGNEE',
  // Leads workflow and contacts (issue 4)
  InvalidStatusTransition = 'INVALID_STATUS_TRANSITION',
  LeadAlreadyConverted = 'LEAD_ALREADY_CONVERTED',
  DuplicateLead = 'DUPLICATE_LEAD',
  InvalidMerge = 'INVALID_MERGE',
  InvalidListing = 'INVALID_LISTING',
  ContactEmailTaken = 'CONTACT_EMAIL_TAKEN',
  // Deals and listings (issue 5)
  InvalidReference = 'INVALID_REFERENCE',
  InvalidStageTransition = 'INVALID_STAGE_TRANSITION',
  LostReasonRequired = 'LOST_REASON_REQUIRED',
  MlsNumberTaken = 'MLS_NUMBER_TAKEN',
  // Activities and appointments (issue 6)
  ActivitySubjectRequired = 'ACTIVITY_SUBJECT_REQUIRED',
  ActivityAlreadyCompleted = 'ACTIVITY_ALREADY_COMPLETED',
  ActivityNotCompleted = 'ACTIVITY_NOT_COMPLETED',
  AppointmentConflict = 'APPOINTMENT_CONFLICT',
  // Tickets and attachments (issue 7)
  AlreadyAssigned = 'ALREADY_ASSIGNED',
  TicketClosed = 'TICKET_CLOSED',
  InvalidSignedUrl = 'INVALID_SIGNED_URL',
  StorageUnavailable = 'STORAGE_UNAVAILABLE',
  RateLimited = 'RATE_LIMITED',
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  LocalAuthDisabled = 'LOCAL_AUTH_DISABLED',
  // The SPA contract (issue 12)
  PreconditionFailed = 'PRECONDITION_FAILED',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  IdempotencyKeyInUse = 'IDEMPOTENCY_KEY_IN_USE',
  // Public capture (issue 17)
  CaptureKeyInvalid = 'CAPTURE_KEY_INVALID',
  CaptureKeyRevoked = 'CAPTURE_KEY_REVOKED',
  CaptureKeyDisabled = 'CAPTURE_KEY_DISABLED',
  OriginNotAllowed = 'ORIGIN_NOT_ALLOWED',
  // Campaigns (issue 17)
  UtmCampaignTaken = 'UTM_CAMPAIGN_TAKEN',
  // Service lines and acquisition stages (issue 19)
  ProductActiveLimit = 'PRODUCT_ACTIVE_LIMIT',
  AcquisitionStageInUse = 'ACQUISITION_STAGE_IN_USE',
  // Billing (issue 19)
  PaymentRequired = 'PAYMENT_REQUIRED',
  BillingDisabled = 'BILLING_DISABLED',
  BillingNotSubscribed = 'BILLING_NOT_SUBSCRIBED',
  StripeSignatureInvalid = 'STRIPE_SIGNATURE_INVALID',
  StripeUnavailable = 'STRIPE_UNAVAILABLE',
  // Email verification and invitations (issue 19)
  VerificationTokenInvalid = 'VERIFICATION_TOKEN_INVALID',
  VerificationTokenExpired = 'VERIFICATION_TOKEN_EXPIRED',
  VerificationTokenUsed = 'VERIFICATION_TOKEN_USED',
  EmailAlreadyVerified = 'EMAIL_ALREADY_VERIFIED',
  EmailNotVerified = 'EMAIL_NOT_VERIFIED',
  InvitationNotFound = 'INVITATION_NOT_FOUND',
  InvitationExpired = 'INVITATION_EXPIRED',
  InvitationRevoked = 'INVITATION_REVOKED',
  InvitationUsed = 'INVITATION_USED',
  InvitationEmailMismatch = 'INVITATION_EMAIL_MISMATCH',
  AlreadyInvited = 'ALREADY_INVITED',
  // Sessions, recovery and password change of the embedded auth (issue 19, docs/auth.md)
  SessionRevoked = 'SESSION_REVOKED',
  RefreshTokenInvalid = 'REFRESH_TOKEN_INVALID',
  RefreshTokenExpired = 'REFRESH_TOKEN_EXPIRED',
  RefreshTokenRevoked = 'REFRESH_TOKEN_REVOKED',
  RefreshTokenReused = 'REFRESH_TOKEN_REUSED',
  NotAnEmbeddedSession = 'NOT_AN_EMBEDDED_SESSION',
  ResetTokenInvalid = 'RESET_TOKEN_INVALID',
  ResetTokenExpired = 'RESET_TOKEN_EXPIRED',
  ResetTokenUsed = 'RESET_TOKEN_USED',
  CurrentPasswordIncorrect = 'CURRENT_PASSWORD_INCORRECT',
  NoPassword = 'NO_PASSWORD',
  // Profile (issue 19)
  AccountDeleted = 'ACCOUNT_DELETED',
  Internal = 'INTERNAL_ERROR',
}

/**
 * Every code's HTTP status and what it means, in one place: the error filter, the OpenAPI
 * document (each operation's error responses list their codes) and the docs read it.
 */
export const ERROR_CATALOGUE = {
  [ErrorCode.ValidationFailed]: [400, 'A parameter or body field is invalid or unknown; details name each field'],
  [ErrorCode.MalformedJson]: [400, 'The body is not valid JSON'],
  [ErrorCode.OrganizationRequired]: [400, 'You belong to several organizations: name one with X-Organization-Id'],
  [ErrorCode.Unauthorized]: [401, 'No bearer token, or an invalid or expired one'],
  [ErrorCode.InvalidCredentials]: [401, 'Wrong email or password'],
  [ErrorCode.SessionRevoked]: [
    401,
    'The session of this access token was signed out (logout, logout-all, a password change or reset, a reused refresh token): sign in again',
  ],
  [ErrorCode.RefreshTokenInvalid]: [401, 'No such refresh token'],
  [ErrorCode.RefreshTokenExpired]: [401, 'The refresh token is past its lifetime: sign in again'],
  [ErrorCode.RefreshTokenRevoked]: [401, 'The session of this refresh token was signed out: sign in again'],
  [ErrorCode.RefreshTokenReused]: [
    401,
    'This refresh token was already exchanged once: the whole session is revoked, as the token may have been stolen',
  ],
  [ErrorCode.NotAnEmbeddedSession]: [
    400,
    'The access token is not one of the embedded auth (a Supabase Auth token): sign out through Supabase Auth',
  ],
  [ErrorCode.CurrentPasswordIncorrect]: [403, 'The current password is wrong'],
  [ErrorCode.NoPassword]: [404, 'The account has no password of the embedded auth (it signs in through Supabase Auth)'],
  [ErrorCode.ResetTokenInvalid]: [404, 'No such password reset link (mistyped, or replaced by a newer one)'],
  [ErrorCode.ResetTokenExpired]: [410, 'The password reset link is past its hour: ask for another one'],
  [ErrorCode.ResetTokenUsed]: [410, 'The password reset link was already used'],
  [ErrorCode.AccountDeleted]: [401, 'This account was deleted (DELETE /v1/me): its tokens no longer work'],
  [ErrorCode.ApiKeyInvalid]: [
    401,
    'The API key is not one this server issued (mistyped, made up, or a rotated secret past its grace period)',
  ],
  [ErrorCode.ApiKeyExpired]: [401, 'The API key is past its expiresAt'],
  [ErrorCode.ApiKeyRevoked]: [401, 'The API key was revoked (by an ADMIN, or when its creator left the organization)'],
  [ErrorCode.StreamTokenInvalid]: [
    401,
    'The stream token is unknown, already used or past its 60 seconds: mint another with POST /v1/events/stream-tokens',
  ],
  [ErrorCode.CaptureKeyInvalid]: [401, 'The capture key is not one this server issued (mistyped or made up)'],
  [ErrorCode.CaptureKeyRevoked]: [
    401,
    'The capture key was revoked (by an ADMIN, or when its creator left the organization)',
  ],
  [ErrorCode.CaptureKeyDisabled]: [401, 'The capture key is disabled; an ADMIN can enable it again'],
  [ErrorCode.Forbidden]: [403, 'Your role does not allow this'],
  [ErrorCode.NotAMember]: [403, 'You are not a member of the organization'],
  [ErrorCode.InsufficientScope]: [403, 'The API key lacks the scope this route needs; ref.scope names it'],
  [ErrorCode.ApiKeyNotAllowed]: [403, 'API keys cannot call this route (account, membership and key management)'],

  [ErrorCode.InvitationEmailMismatch]: [
    403,
    'The invitation was sent to another address than your account has: sign in (or sign up) with the invited address',
  ],
  [ErrorCode.OriginNotAllowed]: [403, "The request's Origin is not among the capture key's allowedOrigins"],
  [ErrorCode.InvalidSignedUrl]: [403, 'The signed URL is invalid or expired'],
  [ErrorCode.NotFound]: [404, 'No such record in this organization, or not one you may see'],
  [ErrorCode.RouteNotFound]: [404, 'No such route'],
  [ErrorCode.LocalAuthDisabled]: [404, 'The embedded sign-up and login are switched off on this server'],
  [ErrorCode.VerificationTokenInvalid]: [
    404,
    'No such verification link (mistyped, replaced by a newer one, or for an address the account no longer has)',
  ],
  [ErrorCode.InvitationNotFound]: [404, 'No such invitation link (mistyped, or replaced by a resend)'],
  [ErrorCode.VerificationTokenExpired]: [410, 'The verification link is past its 24 hours: ask for another one'],
  [ErrorCode.VerificationTokenUsed]: [410, 'The verification link was already used'],
  [ErrorCode.InvitationExpired]: [410, 'The invitation is past its 7 days: ask for it to be resent'],
  [ErrorCode.InvitationRevoked]: [410, 'The invitation was revoked'],
  [ErrorCode.InvitationUsed]: [410, 'The invitation was already accepted'],
  [ErrorCode.EmailAlreadyVerified]: [409, 'Your email address is already verified'],
  [ErrorCode.AlreadyInvited]: [
    409,
    'An open invitation for this address exists; ref.invitationIds names it (resend or revoke it)',
  ],
  [ErrorCode.Conflict]: [409, 'A unique value is already used, or a related record is missing or still referenced'],
  [ErrorCode.EmailTaken]: [409, 'An account with this email already exists'],
  [ErrorCode.AlreadyMember]: [
    409,
    'This user (or the address invited) is already a member of the organization; ref.userIds names them when known',
  ],
  [ErrorCode.LastAdmin]: [409, 'An organization needs at least one ADMIN'],
  [ErrorCode.LeadAlreadyConverted]: [409, 'The lead is already converted'],
  [ErrorCode.DuplicateLead]: [409, 'A live lead has the same email or phone; ref.leadIds names them'],
  [ErrorCode.ContactEmailTaken]: [409, 'Another live contact has this email'],
  [ErrorCode.MlsNumberTaken]: [409, 'Another listing of the organization has this MLS number'],
  [ErrorCode.ActivityAlreadyCompleted]: [409, 'The activity is already completed'],
  [ErrorCode.ActivityNotCompleted]: [409, 'The activity is not completed'],
  [ErrorCode.AppointmentConflict]: [409, 'The agent is already booked then; ref.appointmentIds names the appointment'],
  [ErrorCode.AlreadyAssigned]: [409, 'The member is already assigned'],
  [ErrorCode.IdempotencyKeyInUse]: [409, 'A request with this Idempotency-Key is still running'],
  [ErrorCode.UtmCampaignTaken]: [
    409,
    'Another live campaign of the organization has this utmCampaign (compared case-insensitively); ref.campaignIds names it',
  ],
  [ErrorCode.ProductActiveLimit]: [
    409,
    'The organization already has 3 active products (service lines): deactivate one first; ref.productIds names them',
  ],
  [ErrorCode.AcquisitionStageInUse]: [
    409,
    'Live contacts are in this acquisition stage: move them to another stage first; ref.contactIds names some',
  ],
  [ErrorCode.PaymentRequired]: [
    402,
    "The organization's subscription lapsed past its grace period: writes are refused until an ADMIN pays (POST /v1/billing/portal); reads and exports still work",
  ],
  [ErrorCode.BillingDisabled]: [
    404,
    'Billing is off on this server (no STRIPE_SECRET_KEY): every organization is free',
  ],
  [ErrorCode.BillingNotSubscribed]: [
    409,
    'The organization has no Stripe customer yet: subscribe first with POST /v1/billing/checkout',
  ],
  [ErrorCode.StripeSignatureInvalid]: [
    400,
    "The Stripe-Signature header does not verify the body with the endpoint's secret",
  ],
  [ErrorCode.StripeUnavailable]: [503, 'Stripe did not answer or refused the call; retry later'],
  [ErrorCode.PreconditionFailed]: [
    412,
    'If-Match names a version that is no longer current; the ETag header has the current one',
  ],
  [ErrorCode.PayloadTooLarge]: [413, 'The body is too large'],
  [ErrorCode.HeadersTooLarge]: [
    431,
    'The request line and headers exceed 16 KiB (a long query string counts): send fewer or shorter filters',
  ],
  [ErrorCode.MalformedRequest]: [400, 'Not a well-formed HTTP request'],
  [ErrorCode.RequestTimeout]: [408, 'The request was not received in time'],
  [ErrorCode.UnsupportedMediaType]: [
    415,
    'The body is not JSON (or, on upload routes, multipart/form-data of an accepted type)',
  ],
  [ErrorCode.BusinessRule]: [422, 'The request is valid but breaks a business rule; the message says which'],
  [ErrorCode.EmailNotVerified]: [
    422,
    'The account with this email has not verified its address: send an invitation (POST /v1/invitations) instead',
  ],
  [ErrorCode.InvalidAssignee]: [422, 'The assignee is not a member who may be assigned'],
  [ErrorCode.InvalidStatusTransition]: [
    422,
    'The workflow does not allow this status change; details list the allowed ones',
  ],
  [ErrorCode.InvalidMerge]: [422, 'These leads cannot be merged'],
  [ErrorCode.InvalidListing]: [422, 'The listing is not a live listing of this organization'],
  [ErrorCode.InvalidReference]: [
    422,
    'A linked record is not a live record of this organization; details name the field',
  ],
  [ErrorCode.InvalidStageTransition]: [422, 'The deal cannot move to this stage'],
  [ErrorCode.LostReasonRequired]: [422, 'A lost deal needs a lostReason'],
  [ErrorCode.ActivitySubjectRequired]: [422, 'An activity needs a lead, contact, deal or listing'],
  [ErrorCode.TicketClosed]: [422, 'The ticket is closed'],
  [ErrorCode.IdempotencyKeyReused]: [422, 'This Idempotency-Key was used for a different request'],
  [ErrorCode.RateLimited]: [429, 'Too many requests; retry after the seconds in Retry-After'],
  [ErrorCode.Internal]: [500, 'An unexpected error; the requestId finds it in the logs'],
  [ErrorCode.DatabaseUnavailable]: [503, 'The database is unavailable or too busy; retry after Retry-After'],
  [ErrorCode.StorageUnavailable]: [503, 'File storage is unavailable; retry later'],
} as const satisfies Record<ErrorCode, readonly [number, string]>;

/** What went wrong with one field: a code a client can switch on (DetailCode) beside a message a UI can show. */
export enum DetailCode {
  Required = 'REQUIRED',
  UnknownField = 'UNKNOWN_FIELD',
  InvalidType = 'INVALID_TYPE',
  InvalidFormat = 'INVALID_FORMAT',
  InvalidValue = 'INVALID_VALUE',
  OutOfRange = 'OUT_OF_RANGE',
  TooLong = 'TOO_LONG',
  TooShort = 'TOO_SHORT',
  TooDeep = 'TOO_DEEP',
  InvalidCharacter = 'INVALID_CHARACTER',
  NotUnique = 'NOT_UNIQUE',
  NotFound = 'NOT_FOUND',
  NotAllowed = 'NOT_ALLOWED',
}

export interface ErrorDetail {
  /** The input field, as a dotted path (`customFields.area`, `ids[3]`); absent when the problem is not one field's. */
  field?: string;
  message: string;
  code?: DetailCode;
}

/** Ids of the rows an error is about, by kind (`leadIds`, `appointmentIds`…): typed, not hidden in messages. */
export type ErrorRef = Record<string, string | string[]>;

/** A typed error a module throws; the global filter turns it into the API error shape. */
export class DomainError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly ref?: ErrorRef,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** Response headers that go with this error (a 412's current ETag). */
  headers?: Record<string, string>;
}

/** Details as a client sees them: each with a code, the error's own kind when the thrower named none. */
const withCodes = (details: ErrorDetail[] | undefined, code: DetailCode): ErrorDetail[] | undefined =>
  details?.map((d) => (d.code ? d : { ...d, code }));

export class ValidationFailed extends DomainError {
  constructor(details: ErrorDetail[], message = 'Request validation failed') {
    super(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, message, withCodes(details, DetailCode.InvalidValue));
  }
}

export class NotFound extends DomainError {
  constructor(resource: string) {
    super(HttpStatus.NOT_FOUND, ErrorCode.NotFound, `${resource} not found`);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'Your role does not allow this action', code: ErrorCode = ErrorCode.Forbidden) {
    super(HttpStatus.FORBIDDEN, code, message);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'Missing or invalid access token', code: ErrorCode = ErrorCode.Unauthorized) {
    super(HttpStatus.UNAUTHORIZED, code, message);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, code: ErrorCode = ErrorCode.Conflict, details?: ErrorDetail[], ref?: ErrorRef) {
    super(HttpStatus.CONFLICT, code, message, withCodes(details, DetailCode.NotUnique), ref);
  }
}

export class BusinessRuleViolation extends DomainError {
  constructor(message: string, code: ErrorCode = ErrorCode.BusinessRule, details?: ErrorDetail[], ref?: ErrorRef) {
    const kind = code === ErrorCode.InvalidReference ? DetailCode.NotFound : DetailCode.NotAllowed;
    super(HttpStatus.UNPROCESSABLE_ENTITY, code, message, withCodes(details, kind), ref);
  }
}

/** 429 RATE_LIMITED from the application's own rules (a busy slot, a cooldown), with its Retry-After. */
export class RetryLater extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super(HttpStatus.TOO_MANY_REQUESTS, ErrorCode.RateLimited, message);
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  }
}

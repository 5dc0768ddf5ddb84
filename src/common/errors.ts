import { HttpStatus } from '@nestjs/common';

/** Machine-readable error codes: the contract clients switch on. */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedJson = 'MALFORMED_JSON',
  Unauthorized = 'UNAUTHORIZED',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  Forbidden = 'FORBIDDEN',
  NotAMember = 'NOT_A_MEMBER',
  OrganizationRequired = 'ORGANIZATION_REQUIRED',
  NotFound = 'NOT_FOUND',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  Conflict = 'CONFLICT',
  EmailTaken = 'EMAIL_TAKEN',
  AlreadyMember = 'ALREADY_MEMBER',
  LastAdmin = 'LAST_ADMIN',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
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
  Internal = 'INTERNAL_ERROR',
}

export interface ErrorDetail {
  field: string;
  message: string;
}

/** A typed error a module throws; the global filter turns it into the API error shape. */
export class DomainError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  constructor(details: ErrorDetail[], message = 'Request validation failed') {
    super(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, message, details);
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
  constructor(message: string, code: ErrorCode | string = ErrorCode.Conflict, details?: ErrorDetail[]) {
    super(HttpStatus.CONFLICT, code, message, details);
  }
}

export class BusinessRuleViolation extends DomainError {
  constructor(message: string, code: ErrorCode | string = ErrorCode.BusinessRule, details?: ErrorDetail[]) {
    super(HttpStatus.UNPROCESSABLE_ENTITY, code, message, details);
  }
}

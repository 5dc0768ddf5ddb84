import type { JobSendOptions } from './job-queue.js';

/** JobQueue's documented defaults, applied the same way by both runners. */
export const DEFAULT_RETRY_LIMIT = 5;
export const DEFAULT_RETRY_DELAY_SECONDS = 10;
/** Retries back off unless the sender says otherwise: the failures they wait out (a receiver down) rarely clear in seconds. */
export const DEFAULT_RETRY_BACKOFF = true;

/** The longest error message kept (job_failures.error's limit). */
export const MAX_ERROR_LENGTH = 1000;

export interface RetryPolicy {
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
}

export function retryPolicy(options: JobSendOptions = {}): RetryPolicy {
  return {
    retryLimit: options.retryLimit ?? DEFAULT_RETRY_LIMIT,
    retryDelaySeconds: options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS,
    retryBackoff: options.retryBackoff ?? DEFAULT_RETRY_BACKOFF,
  };
}

/** When a job sent with `startAfter` becomes due. */
export function dueAt(startAfter: Date | number | undefined, now = Date.now()): Date {
  if (startAfter instanceof Date) return startAfter;
  return new Date(now + (startAfter ?? 0) * 1000);
}

/** Seconds before retry number `retryCount + 1` (the embedded runner's; pg-boss adds jitter to the same doubling). */
export function retryDelay(policy: RetryPolicy, retryCount: number): number {
  return policy.retryBackoff ? policy.retryDelaySeconds * 2 ** Math.min(retryCount, 16) : policy.retryDelaySeconds;
}

/**
 * What of an error is kept: its message only (never a stack, a cause or a response body),
 * credentials in URLs and bearer tokens blanked, truncated. ADMINs read it in job_failures.
 */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'Job failed';
  const cleaned = message
    .replace(/(\/\/)[^/@\s:]+:[^/@\s]*@/g, '$1***@')
    .replace(/\b(bearer\s+)[\w.~+/=-]+/gi, '$1***')
    .replace(/\b(bcrm_)[\w-]+/g, '$1***');
  return cleaned.length > MAX_ERROR_LENGTH ? `${cleaned.slice(0, MAX_ERROR_LENGTH - 1)}…` : cleaned;
}

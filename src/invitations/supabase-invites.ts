import { Logger, type Provider } from '@nestjs/common';
import type { SupabaseClient } from '@supabase/supabase-js';
import { createServiceClient } from '../common/supabase-client.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/** Injection token of the Supabase Auth inviter: null when SUPABASE_AUTH_INVITES is off. */
export const SUPABASE_INVITES = Symbol('SUPABASE_INVITES');

/**
 * What GoTrue did with an invite: SENT (its invite email is on its way), EXISTS (it already
 * has a user with this address, so it sends nothing) or FAILED (an error, or no answer).
 */
export type SupabaseInviteOutcome = 'SENT' | 'EXISTS' | 'FAILED';

/** What the person's Supabase user carries in user_metadata (their invite email template can show it). */
export interface SupabaseInviteData {
  organizationName: string;
  role: string;
}

/** GoTrue's codes for "a user with this address exists" (422 on recent versions). */
const EXISTS_CODES = new Set(['email_exists', 'user_already_exists']);

/**
 * auth-js turns a network failure into a console.error and a retryable error. This fetch
 * answers an unreachable GoTrue with a 503 instead, so the failure reaches our logger only.
 */
const quietFetch: typeof fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (error) {
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
    return new Response(JSON.stringify({ msg: `GoTrue unreachable: ${reason}`.slice(0, 300) }), {
      status: 503,
      headers: { 'content-type': 'application/json' },
    });
  }
};

/**
 * Invites through Supabase Auth's admin API (`POST /auth/v1/invite` with the service role key),
 * so a person who never used the API gets Supabase's invite email and sets a password there.
 * Never throws: the caller falls back to our own email on anything but SENT.
 */
export class SupabaseInvites {
  private readonly logger = new Logger(SupabaseInvites.name);

  constructor(private readonly client: SupabaseClient) {}

  static async create(settings: NonNullable<AppConfig['auth']['supabaseInvites']>): Promise<SupabaseInvites> {
    return new SupabaseInvites(await createServiceClient(settings.url, settings.serviceRoleKey, quietFetch));
  }

  async invite(email: string, redirectTo: string, data: SupabaseInviteData): Promise<SupabaseInviteOutcome> {
    try {
      const { error } = await this.client.auth.admin.inviteUserByEmail(email, { redirectTo, data });
      if (!error) return 'SENT';
      if (error.code && EXISTS_CODES.has(error.code)) return 'EXISTS';
      // The message and status only: the error object carries nothing of the key, but keep it that way.
      this.logger.warn(
        `Supabase Auth invite failed (${error.status ?? 'no status'} ${error.code ?? ''}): ${error.message.slice(0, 300)}; sending our own invitation email`,
      );
      return 'FAILED';
    } catch (error) {
      this.logger.warn(
        `Supabase Auth invite failed: ${error instanceof Error ? error.message.slice(0, 300) : 'unknown error'}; sending our own invitation email`,
      );
      return 'FAILED';
    }
  }
}

export const supabaseInvitesProvider: Provider = {
  provide: SUPABASE_INVITES,
  inject: [APP_CONFIG],
  useFactory: ({ auth }: AppConfig): Promise<SupabaseInvites> | null =>
    auth.supabaseInvites ? SupabaseInvites.create(auth.supabaseInvites) : null,
};

import type { SupabaseClient, WebSocketLikeConstructor } from '@supabase/supabase-js';

/**
 * supabase-js builds a Realtime client eagerly, and on Node 20 (no global WebSocket)
 * that throws unless a transport is given. This server never opens a channel, so the
 * transport only has to exist; using it is a bug.
 */
class NoRealtime {
  constructor() {
    throw new Error('Supabase Realtime is not used by this server');
  }
}

/**
 * One import for every caller: Nest builds the storage and invitation providers concurrently,
 * and Jest's ESM runtime fails two concurrent imports of one module graph ("is not in cache").
 */
let supabaseJs: Promise<typeof import('@supabase/supabase-js')> | undefined;

/**
 * A server-side client with the service role key (no session kept or refreshed). supabase-js
 * is imported at the first one: a deployment without Supabase does not hold it.
 */
export async function createServiceClient(
  url: string,
  serviceRoleKey: string,
  fetch?: typeof globalThis.fetch,
): Promise<SupabaseClient> {
  const { createClient } = await (supabaseJs ??= import('@supabase/supabase-js'));
  return createClient(url, serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: NoRealtime as unknown as WebSocketLikeConstructor },
    ...(fetch && { global: { fetch } }),
  });
}

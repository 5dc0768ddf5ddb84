/** Who is capturing: a publishable capture key, or an integration API key with leads:write. */
export type CapturePrincipal =
  | { kind: 'captureKey'; keyId: string; orgId: string; userId: string; campaignId: string | null }
  | { kind: 'apiKey'; orgId: string };

/** The CLS key CaptureGuard stores the principal under, for CaptureService. */
export const CLS_CAPTURE = Symbol('capturePrincipal');

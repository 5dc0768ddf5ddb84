/**
 * A tiny HTML builder for the email templates: every interpolated value is escaped unless it
 * is itself built by `html` (or marked with `trusted`), so a lead named `<script>` or a
 * comment with `"` reaches the reader as text. No template engine: seven templates do not
 * need one, and a typed function per template catches a missing field at compile time.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that is already safe: the result of `html`, never user input. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly Interpolation[]).map(render).join('');
  return escapeHtml(String(value as string | number));
}

/** html`<p>${name}</p>`: `name` escaped; nested html`` fragments and arrays of them kept. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + render(values[i - 1]) + s));
}

/**
 * A URL for an href: absolute http(s), or a path on this server. Anything else renders as '#',
 * `//host` and `/\host` included (a browser reads both as another host).
 */
export function href(url: string): SafeHtml {
  const ok = /^https?:\/\//i.test(url) || /^\/(?![/\\])/.test(url);
  return new SafeHtml(ok ? escapeHtml(url) : '#');
}

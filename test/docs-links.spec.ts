import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

const withoutCodeBlocks = (markdown: string): string => markdown.replace(/^ *(```|~~~)[\s\S]*?^ *\1 *$/gm, '');

/** GitHub's heading anchors: lower case, punctuation (backticks included) dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of withoutCodeBlocks(markdown).matchAll(/^#{1,6} +(.+?)(?: +#+)? *$/gm)) {
    const slug = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n ? `${slug}-${n}` : slug);
  }
  return result;
}

/** The relative links of `file` (its text is `text`) that resolve to no file, or to no heading of it. */
function brokenLinks(file: string, text = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const prose = withoutCodeBlocks(text).replace(/`[^`\n]*`/g, '');
  const broken: string[] = [];
  for (const [, target] of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [path, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = path ? resolve(ROOT, dirname(file), decodeURIComponent(path)) : join(ROOT, file);
    if (!existsSync(resolved)) {
      broken.push(`${target}: no file ${relative(ROOT, resolved)}`);
    } else if (anchor !== undefined && statSync(resolved).isFile() && resolved.endsWith('.md')) {
      const headings = resolved === join(ROOT, file) ? anchors(text) : anchors(readFileSync(resolved, 'utf8'));
      if (!headings.has(anchor)) broken.push(`${target}: no heading #${anchor}`);
    }
  }
  return broken;
}

describe('links in README.md and docs/*.md', () => {
  it.each(DOCS)('%s: every relative link points to an existing file and heading', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('makes the anchors GitHub makes', () => {
    const headings = '# Try it\n## Safe retries: Idempotency-Key\n### `ids` and `include`\n## Try it\n';
    expect([...anchors(headings)]).toEqual(['try-it', 'safe-retries-idempotency-key', 'ids-and-include', 'try-it-1']);
  });

  it('reports a missing file and a missing heading, and ignores code and absolute URLs', () => {
    const text = [
      '# Here',
      '[ok](#here) [ok](docs/openapi.md) [gone](docs/nowhere.md) [bad](#there) [bad](README.md#nowhere)',
      '[web](https://example.com/x.md) `[code](nowhere.md)`',
      '```md',
      '[code](nowhere.md)',
      '```',
    ].join('\n');
    expect(brokenLinks('README.md', text)).toEqual([
      'docs/nowhere.md: no file docs/nowhere.md',
      '#there: no heading #there',
      'README.md#nowhere: no heading #nowhere',
    ]);
  });
});

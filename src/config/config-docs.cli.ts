// `npm run config:docs`: regenerates the committed docs/configuration.md and .env.example from
// configSchema (src/config/config.ts), the one place configuration is described. Defaults and
// allowed values come from the schema's JSON Schema (z.toJSONSchema), not from this file.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { CONFIG_SECTIONS, CROSS_VARIABLE_RULES, configSchema, type ConfigSection } from './config.js';

export const CONFIG_DOCS_FILE = resolve(import.meta.dirname, '../../docs/configuration.md');
export const ENV_EXAMPLE_FILE = resolve(import.meta.dirname, '../../.env.example');

/** The JSON Schema of one variable's input, with configSchema's .meta() fields. */
interface VariableSchema {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  examples?: unknown[];
  description?: string;
  section?: ConfigSection;
  allowed?: string;
  derivedDefault?: string;
}

interface Variable {
  name: string;
  section: ConfigSection;
  description: string;
  /** Markdown. */
  defaultValue: string;
  /** Markdown. */
  allowedValues: string;
}

const code = (value: unknown) => `\`${String(value)}\``;

function allowedValues(name: string, v: VariableSchema): string {
  let allowed: string;
  if (v.enum) allowed = v.enum.map(code).join(', ');
  else if (v.type === 'integer' || v.type === 'number') {
    const kind = v.type === 'integer' ? 'integer' : 'number';
    // z.number().int() without .max() reports the largest safe integer.
    const max = v.maximum === Number.MAX_SAFE_INTEGER ? undefined : v.maximum;
    const min = v.minimum === Number.MIN_SAFE_INTEGER ? undefined : v.minimum;
    if (min !== undefined && max !== undefined) allowed = `${kind} ${min}–${max}`;
    else if (min !== undefined) allowed = `${kind} ≥ ${min}`;
    else if (max !== undefined) allowed = `${kind} ≤ ${max}`;
    else allowed = kind;
  } else if (v.type === 'string') {
    if (v.pattern && !v.allowed)
      throw new Error(`${name}: a pattern needs its meaning in words (matching() in config.ts)`);
    if (v.allowed) allowed = v.allowed;
    else if (v.format === 'uri') allowed = 'URL';
    else if (v.format) throw new Error(`${name}: no wording for format ${v.format}`);
    else if (v.minLength && v.minLength > 1) allowed = `at least ${v.minLength} characters`;
    else if (v.minLength === 1) allowed = 'non-empty string';
    else allowed = 'string';
  } else {
    throw new Error(`${name}: no wording for JSON Schema type ${String(v.type)}`);
  }
  const examples = (v.examples ?? []).map(code).join(', ');
  return examples ? `${allowed}, such as ${examples}` : allowed;
}

/** Every variable of configSchema, in schema order, as the docs show it. */
export function configVariables(): Variable[] {
  const json = z.toJSONSchema(configSchema, { io: 'input' }) as { properties: Record<string, VariableSchema> };
  return Object.entries(json.properties).map(([name, v]) => {
    if (!v.description) throw new Error(`${name} has no description: add .meta({ description }) in config.ts`);
    if (!v.section || !CONFIG_SECTIONS.includes(v.section)) {
      throw new Error(`${name} has no section: add .meta({ section }) in config.ts`);
    }
    return {
      name,
      section: v.section,
      description: v.description,
      defaultValue: 'default' in v ? code(v.default) : (v.derivedDefault ?? 'unset'),
      allowedValues: allowedValues(name, v),
    };
  });
}

/** What both files say before the variables (Markdown). */
const intro = (self: string, other: string) => [
  'Configuration comes from environment variables, read and validated once at boot by `loadConfig()` in `src/config/config.ts`.',
  '`npm start` and `npm run db:migrate` first load a `.env` file from the working directory when there is one (`cp .env.example .env`); variables already set in the environment win.',
  'Every variable is optional and an empty value means unset, so `.env.example` works as copied: with no variables at all the API serves the embedded database under `DATA_DIR`.',
  'A bad value, or a broken rule across variables (listed at the end), stops the app at boot with a message naming the variable.',
  `${self} and ${other} are generated from the schema in \`src/config/config.ts\` by \`npm run config:docs\`: edit the descriptions there.`,
];
const RULES_INTRO =
  'Once each variable is valid on its own, these rules are checked in order; the first one broken stops the boot with the message `Invalid configuration: <rule>`.';

const bySection = (variables: Variable[]) =>
  CONFIG_SECTIONS.map((section) => ({ section, variables: variables.filter((v) => v.section === section) })).filter(
    (s) => s.variables.length > 0,
  );

/** docs/configuration.md, formatted as `npm run lint` (prettier) expects. */
export async function renderConfigDocs(): Promise<string> {
  const variables = configVariables();
  const names = new Set(variables.map((v) => v.name));
  // Variable names (and NAME=value) in the rules become code spans.
  const withCode = (text: string) =>
    text.replace(/\b([A-Z][A-Z0-9_]*)(=[\w-]+)?/g, (match, name: string) => (names.has(name) ? code(match) : match));
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const lines = ['# Configuration', '', intro('This page', '`.env.example`').join(' '), ''];
  for (const { section, variables: vars } of bySection(variables)) {
    lines.push(`## ${section}`, '', '| Variable | Default | Allowed | Description |', '| --- | --- | --- | --- |');
    for (const v of vars) {
      lines.push(`| ${[code(v.name), v.defaultValue, v.allowedValues, v.description].map(cell).join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('## Rules across variables', '', RULES_INTRO, '');
  for (const { rule } of CROSS_VARIABLE_RULES) lines.push(`- ${withCode(rule)}`);
  const options = await resolveConfig(CONFIG_DOCS_FILE);
  return format(`${lines.join('\n')}\n`, { ...options, filepath: CONFIG_DOCS_FILE, proseWrap: 'always' });
}

const ENV_WIDTH = 100;

/** Comment lines of at most ENV_WIDTH characters; Markdown code spans stay whole, without backticks. */
function comment(markdown: string, prefix = ''): string[] {
  const words = (markdown.match(/(?:`[^`]*`|[^\s`])+/g) ?? []).map((w) => w.replaceAll('`', ''));
  const lines: string[] = [];
  let line = `#${prefix}`;
  for (const word of words) {
    if (line.length > 1 + prefix.length && line.length + 1 + word.length > ENV_WIDTH) {
      lines.push(line);
      line = `#${' '.repeat(prefix.length)}`;
    }
    line += ` ${word}`;
  }
  return [...lines, line];
}

/** .env.example: the same content as comments, every variable present and empty (unset). */
export function renderEnvExample(): string {
  const rule = '#'.repeat(ENV_WIDTH);
  const lines = [
    '# brokerage-crm configuration: every variable the app reads, with its default and allowed values.',
    '#',
    ...intro('This file', 'docs/configuration.md').flatMap((sentence) => comment(sentence)),
  ];
  for (const { section, variables } of bySection(configVariables())) {
    lines.push('', rule, `# ${section}`, rule);
    for (const v of variables) {
      lines.push(
        '',
        ...comment(v.description),
        ...comment(`Default: ${v.defaultValue}. Allowed: ${v.allowedValues}.`),
        `${v.name}=`,
      );
    }
  }
  lines.push('', rule, '# Rules across variables', rule, '', ...comment(RULES_INTRO));
  for (const { rule: text } of CROSS_VARIABLE_RULES) lines.push(...comment(text, ' -'));
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const log = pino({ name: 'config-docs' });
  renderConfigDocs()
    .then((docs) => {
      writeFileSync(CONFIG_DOCS_FILE, docs);
      writeFileSync(ENV_EXAMPLE_FILE, renderEnvExample());
      log.info(`wrote ${CONFIG_DOCS_FILE} and ${ENV_EXAMPLE_FILE}`);
    })
    .catch((error: unknown) => {
      log.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}

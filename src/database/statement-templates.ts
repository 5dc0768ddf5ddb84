import { type Compilable, type CompiledQuery, createQueryId } from 'kysely';

/**
 * A parameter's stand-in while a template is built: where the value will go, never what it
 * is. Used as a value (compared, concatenated, formatted) it throws, so a builder that
 * computes with a parameter instead of passing it through fails on its first call.
 */
class Slot {
  constructor(
    readonly name: string,
    readonly index: number,
  ) {
    Object.freeze(this);
  }

  [Symbol.toPrimitive](): never {
    throw new TypeError(
      `Statement template parameter "${this.name}" was used as a value while building: pass it to the ` +
        'query as it is, and compute anything derived from it before (it becomes a parameter of its own)',
    );
  }

  toJSON(): never {
    return this[Symbol.toPrimitive]();
  }
}

/** Where each parameter of a compiled template comes from: a slot of the values, or a constant of the builder. */
type Source = Slot | { constant: unknown };

interface Template {
  sql: string;
  query: CompiledQuery['query'];
  sources: readonly Source[];
}

/** Statement shapes compiled at most per cache; past it, statements are built and compiled each time. */
export const MAX_TEMPLATES = 500;

/**
 * One statement built and compiled once per shape, then sent again with new parameters: a
 * `GET /v1/leads` page spent ≈ 6 % of its CPU building its query with Kysely and compiling it
 * (docs/performance.md), on every request, to the same text.
 *
 * `build(values, shape)` makes the statement. The shape is everything its text depends on that
 * is not a value: a sort order, a variant. Each value is either passed through to the query
 * as a parameter, or decides the text — but only by whether it is there, how many items an
 * array has, a boolean's value, or whether it is truthy. Those are in the cache's key, so two
 * calls share a template only when every such decision goes the same way; anything else the
 * text depends on must be in `shape`. On a template's first build, each value is a stand-in
 * that throws if used as anything but a parameter (arrays: an array of stand-ins of the same
 * length), so a value computed on while building (a search pattern made from the search text)
 * fails at once: compute it before, and pass the result as a value of its own.
 *
 * A value named in `whole` is one parameter whatever it holds (an array column, a JSON
 * document): one stand-in, and only its presence in the key. An array not named there that
 * reaches the statement as one parameter is refused on its first build, as it would be
 * sent as a list of stand-ins.
 */
export class StatementTemplates<V extends Record<string, unknown>> {
  private readonly templates = new Map<string, Template>();
  private readonly whole: ReadonlySet<string>;

  constructor(
    private readonly build: (values: V, shape: string) => Compilable,
    options: { whole?: readonly (keyof V & string)[] } = {},
  ) {
    this.whole = new Set(options.whole);
  }

  compile(values: V, shape = ''): CompiledQuery {
    const key = keyOf(values, shape, this.whole);
    let template = this.templates.get(key);
    if (template === undefined) {
      if (this.templates.size >= MAX_TEMPLATES) return this.build(values, shape).compile();
      template = this.template(values, shape);
      this.templates.set(key, template);
    }
    const parameters = template.sources.map((source) =>
      source instanceof Slot
        ? source.index < 0
          ? values[source.name]
          : (values[source.name] as readonly unknown[])[source.index]
        : source.constant,
    );
    return { query: template.query, queryId: createQueryId(), sql: template.sql, parameters };
  }

  private template(values: V, shape: string): Template {
    const slots: Record<string, unknown> = {};
    for (const name of Object.keys(values)) {
      const value = values[name];
      if (value == null) slots[name] = value;
      else if (this.whole.has(name)) slots[name] = new Slot(name, -1);
      else if (Array.isArray(value)) slots[name] = value.map((_, i) => new Slot(name, i));
      // What the key pins exactly is passed as it is: absent, null, a boolean, a falsy value.
      else if (!value || typeof value === 'boolean') slots[name] = value;
      else slots[name] = new Slot(name, -1);
    }
    const compiled = this.build(slots as V, shape).compile();
    return {
      sql: compiled.sql,
      query: compiled.query,
      sources: compiled.parameters.map((p) => {
        if (p instanceof Slot) return p;
        const inside = Array.isArray(p) ? p.find((item) => item instanceof Slot) : undefined;
        if (inside) {
          throw new TypeError(
            `Statement template parameter "${inside.name}" is an array sent as one parameter: name it in \`whole\``,
          );
        }
        return { constant: p };
      }),
    };
  }
}

/**
 * The template a call shares: its shape, and for each value the decisions a builder may take
 * on it (absent or null, an array's length, a boolean, truthy or not), with the value's name.
 * A falsy value ('' or 0) is in the key as itself: the template holds it as it is. A `whole`
 * value is in it only as there or not.
 */
function keyOf(values: Record<string, unknown>, shape: string, whole: ReadonlySet<string>): string {
  let key = shape;
  for (const name of Object.keys(values)) {
    const value = values[name];
    const kind =
      value === undefined
        ? 'u'
        : value === null
          ? 'n'
          : whole.has(name)
            ? 'w'
            : Array.isArray(value)
              ? `a${value.length}`
              : typeof value === 'boolean'
                ? String(value)
                : value
                  ? 'v'
                  : `f${typeof value}:${Object.is(value, -0) ? '-0' : String(value)}`;
    key += `\0${name}\0${kind}`;
  }
  return key;
}

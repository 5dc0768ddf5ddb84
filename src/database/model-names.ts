// Model names (scoreValue) ↔ column names (score_value), the convention of every @map in
// schema.prisma. Both directions are memoized: a schema has a few hundred names.
const columnNames = new Map<string, string>();
const modelNames = new Map<string, string>();

/** The column a model's name stands for: scoreValue → score_value. */
export function columnName(name: string): string {
  let column = columnNames.get(name);
  if (column === undefined) {
    column = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    columnNames.set(name, column);
  }
  return column;
}

/** The model's name for a column: score_value → scoreValue. */
export function modelName(column: string): string {
  let name = modelNames.get(column);
  if (name === undefined) {
    name = column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    modelNames.set(column, name);
  }
  return name;
}

/** A row's builder: the array's values under the model's names, as one object literal. */
type RowBuilder = (row: readonly unknown[]) => Record<string, unknown>;
const builders = new Map<string, RowBuilder>();
/** Column lists compiled at most; past it (ad-hoc selections), rows are named key by key. */
export const MAX_BUILDERS = 500;

/**
 * The builder for rows of these columns, compiled once per column list: an object literal
 * with its keys written out gets one shape for every row of the result, where assigning
 * keys one by one grew each row through 27 shapes: a 25-lead page 31–37 µs → 2 µs. The keys
 * are JSON string literals of the model's names, so no column name is ever code. A name
 * given twice keeps its last column, as an object literal and the drivers' objects do.
 */
function rowBuilder(columns: readonly string[]): RowBuilder {
  const key = columns.join('\0'); // no identifier holds a NUL
  let build = builders.get(key);
  if (build === undefined) {
    const names = columns.map(modelName);
    if (builders.size >= MAX_BUILDERS) return keyByKey(names);
    // No model's name is `__proto__` (its `_p` becomes `P`), which a literal would make the prototype.
    const entries = names.map((name, i) => `${JSON.stringify(name)}: row[${i}]`);
    build = new Function('row', `return { ${entries.join(', ')} };`) as RowBuilder;
    builders.set(key, build);
  }
  return build;
}

/** The builder without compiling: each row's keys assigned one by one. */
function keyByKey(names: readonly string[]): RowBuilder {
  return (row) => {
    const named: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) named[names[i] as string] = row[i];
    return named;
  };
}

/**
 * Rows read as arrays (both drivers' rowMode 'array'), as objects under the model's names:
 * the names are resolved once per column list, not once per row, and no object is built
 * under the column's name first. Only the row's own keys: the keys inside a JSON value
 * (customFields) are the client's and come back exactly as stored.
 */
export function withModelNames(
  fields: readonly { name: string }[],
  rows: readonly (readonly unknown[])[],
): Record<string, unknown>[] {
  if (rows.length === 0) return [];
  const build = rowBuilder(fields.map((field) => field.name));
  return rows.map(build);
}

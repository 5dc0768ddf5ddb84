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

/**
 * Rows read as arrays (both drivers' rowMode 'array'), as objects under the model's names:
 * each column's name is looked up once per result, not once per row, and no object is built
 * under the column's name first. Only the row's own keys: the keys inside a JSON value
 * (customFields) are the client's and come back exactly as stored. A name given twice keeps
 * its last column, as the drivers' objects do.
 */
export function withModelNames(
  fields: readonly { name: string }[],
  rows: readonly (readonly unknown[])[],
): Record<string, unknown>[] {
  const names = fields.map((field) => modelName(field.name));
  return rows.map((row) => {
    const named: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) named[names[i] as string] = row[i];
    return named;
  });
}

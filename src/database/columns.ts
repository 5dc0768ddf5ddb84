/**
 * A model's columns from Prisma's generated field list (`Prisma.LeadScalarFieldEnum`, written
 * from schema.prisma), minus those the API never reads back: the SQL layer's select lists,
 * with no hand-kept copy of the schema.
 */
export function columnsOf<Fields extends Record<string, string>, Hidden extends Fields[keyof Fields] = never>(
  fields: Fields,
  hidden: readonly Hidden[] = [],
): Exclude<Fields[keyof Fields], Hidden>[] {
  return (Object.values(fields) as Fields[keyof Fields][]).filter(
    (field): field is Exclude<Fields[keyof Fields], Hidden> => !(hidden as readonly string[]).includes(field),
  );
}

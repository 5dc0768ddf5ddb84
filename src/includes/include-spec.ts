import type { Summary } from '../common/summaries.js';

/** The kinds of record a summary can name; each is looked up by SummariesRepository. */
export type SummaryKind = 'person' | 'lead' | 'contact' | 'deal' | 'listing' | 'campaign';

/** A looked-up summary by id; null for no id, or an id not found (hidden, soft-deleted, another org's). */
export type FindSummary = (id: string | null) => Summary | null;

/** How one relation of an output item is expanded: which ids it names, and the value it gets. */
export interface Relation<T> {
  readonly kind: SummaryKind;
  readonly ids: (item: T) => readonly (string | null)[];
  /** Put on the item under the relation's name. */
  readonly value: (item: T, find: FindSummary) => unknown;
}

/**
 * A resource's includable relations, by name. Each name is a property of the output item
 * (it receives the summary), so a typo fails the build rather than the request.
 */
export type IncludeSpec<T> = { readonly [K in keyof T & string]?: Relation<T> };

/** A to-one relation: the summary of the record idOf names, or null. */
export function one<T>(kind: SummaryKind, idOf: (item: T) => string | null): Relation<T> {
  return { kind, ids: (item) => [idOf(item)], value: (item, find) => find(idOf(item)) };
}

/** A to-many relation: the summaries of the records idsOf names, in that order, those not found left out. */
export function many<T>(kind: SummaryKind, idsOf: (item: T) => readonly string[]): Relation<T> {
  return {
    kind,
    ids: idsOf,
    value: (item, find) => idsOf(item).flatMap((id) => find(id) ?? []),
  };
}

/**
 * A resource's include spec, checked against its output type T: every relation name must be a
 * property of T, so a typo fails the build. Curried so that T is named and the names inferred:
 * `includeSpec<DealOutput>()({ lead: one('lead', (d) => d.leadId) })`.
 */
export const includeSpec =
  <T>() =>
  <S extends IncludeSpec<T>>(spec: S & Record<Exclude<keyof S, keyof T>, never>): S =>
    spec;

/** The two people most records name: the member it is assigned to and the one who created it. */
export const ASSIGNEE_AND_CREATOR = {
  assignee: one<{ assignedToId: string | null }>('person', (item) => item.assignedToId),
  createdBy: one<{ createdById: string | null }>('person', (item) => item.createdById),
};

/** To-one links, each named after the kind of record it points at and read from its `<kind>Id` column. */
type Links<K extends string> = { [P in K]: Relation<Record<`${P}Id`, string | null>> };

/** Links to the given kinds of record (`linksTo('lead')`: `lead` from `leadId`), in this order. */
export function linksTo<K extends Exclude<SummaryKind, 'person'>>(...kinds: K[]): Links<K> {
  const link = (kind: K) => one<Record<string, string | null>>(kind, (item) => item[`${kind}Id`] ?? null);
  return Object.fromEntries(kinds.map((kind) => [kind, link(kind)])) as Links<K>;
}

/** The names `include=` accepts for a resource, for its query DTOs. */
export const includeNames = <S extends object>(spec: S): (keyof S & string)[] =>
  Object.keys(spec) as (keyof S & string)[];

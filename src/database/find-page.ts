import { type PageQuery, skipTake } from '../common/pagination.js';

/** The part of a Prisma model delegate (`db.tx.<model>`) findPage uses. */
interface PagedModel<Where, OrderBy, Row> {
  findMany(args: { where: Where; orderBy: OrderBy; skip: number; take: number }): PromiseLike<Row[]>;
  count(args: { where: Where }): PromiseLike<number>;
}

/**
 * One page of a model's rows in the given order, and the total the where-clause matches:
 * two statements, in the unit of work the delegate belongs to.
 */
export function findPage<Where, OrderBy, Row>(
  model: PagedModel<Where, OrderBy, Row>,
  where: Where,
  orderBy: OrderBy,
  page: PageQuery,
): Promise<[Row[], number]> {
  return Promise.all([model.findMany({ where, orderBy, ...skipTake(page) }), model.count({ where })]);
}

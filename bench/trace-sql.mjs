// Preloaded (`node --import ./bench/trace-sql.mjs …`) by the bench's SQL parity check:
// appends the text of every statement sent through `pg` to BENCH_TRACE_SQL, one JSON
// line each, so the API's statements can be compared with the baseline's.
// Never loaded while measuring.
import { appendFileSync } from 'node:fs';
import pg from 'pg';

const file = process.env.BENCH_TRACE_SQL;
if (file) {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function traced(config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') appendFileSync(file, `${JSON.stringify(text)}\n`);
    return query.call(this, config, ...rest);
  };
}

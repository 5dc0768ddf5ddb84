// Summarises a V8 .cpuprofile (from `npm run bench` with BENCH_CPU_PROFILE=1, or
// `node --cpu-prof`): top functions by self time, and self time per package /
// area, so "where does the time go" is one screen.
//
//   node bench/profile-summary.mjs bench/results/<run>.api.cpuprofile [top=30]
import { readFileSync } from 'node:fs';

/** node_modules/@scope/pkg/… → @scope/pkg; dist/leads/… → app:leads; node:… → node. */
export function areaOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return 'node (core)';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const rest = url.slice(dist + '/dist/'.length).split('/');
    return rest.length > 1 ? `app:${rest[0]}` : `app:${rest[0].replace(/\.js$/, '')}`;
  }
  return url.replace(/^file:\/\//, '');
}

export function summarise(profile, top = 30) {
  const selfUs = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fn = new Map();
  const area = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame: f } = byId.get(id);
    const name = f.functionName || '(anonymous)';
    const file = f.url
      ? `${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${f.lineNumber + 1}`
      : '';
    const key = `${name} ${file}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    const a = areaOf(f.url, name);
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const rows = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => ({ name: k, ms: Math.round(us / 1000), pct: +((100 * us) / total).toFixed(1) }));
  return { totalMs: Math.round(total / 1000), functions: rows(fn).slice(0, top), areas: rows(area).slice(0, top) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, topArg] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')), Number(topArg ?? 30));
  const print = (title, rows) => {
    process.stdout.write(`\n${title} (of ${s.totalMs} ms sampled)\n`);
    for (const r of rows)
      process.stdout.write(`${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}\n`);
  };
  print('Self time by package / area', s.areas);
  print('Top functions by self time', s.functions);
}

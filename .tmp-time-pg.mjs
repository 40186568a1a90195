import pg from 'pg';
const stats = new Map();
let started = 0;
const orig = pg.Client.prototype.query;
pg.Client.prototype.query = function (q, ...rest) {
  const text = typeof q === 'string' ? q : q?.text ?? '';
  const key = text.replace(/\s+/g, ' ').slice(0, 70);
  const t0 = performance.now();
  const r = orig.call(this, q, ...rest);
  if (r && typeof r.then === 'function') r.then(() => { const s = stats.get(key) ?? [0, 0]; s[0]++; s[1] += performance.now() - t0; stats.set(key, s); }, () => {});
  return r;
};
process.on('exit', () => {
  for (const [k, [n, ms]] of [...stats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 16)) console.error(String(n).padStart(6), (ms / n).toFixed(2).padStart(7), 'ms', k);
});

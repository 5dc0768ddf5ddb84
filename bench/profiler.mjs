// Preloaded into the API child (`node --import ./bench/profiler.mjs …`) when
// BENCH_CPU_PROFILE is set: V8's CPU profiler — the one behind `node --cpu-prof` —
// started and stopped over the IPC channel, so the profile covers the measured
// requests only (not boot), and is written even though the API exits by signal.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

if (process.send) {
  session.connect();
  process.on('message', async (msg) => {
    if (msg?.type === 'cpu-profile:start') {
      await post('Profiler.enable');
      // 250 µs sampling: fine enough for per-request frames, cheap enough not to skew them much.
      await post('Profiler.setSamplingInterval', { interval: 250 });
      await post('Profiler.start');
      process.send({ type: 'cpu-profile:started' });
    } else if (msg?.type === 'cpu-profile:stop') {
      const { profile } = await post('Profiler.stop');
      writeFileSync(msg.file, JSON.stringify(profile));
      process.send({ type: 'cpu-profile:written', file: msg.file });
    }
  });
  // The IPC channel must not keep the API alive on its own.
  process.channel?.unref();
}

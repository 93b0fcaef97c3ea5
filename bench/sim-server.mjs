// The simulated Devin API in its own process, so that serving never shares an event loop (or a
// core's worth of JIT and GC) with what is being measured. Driven by bench/run.mjs over IPC:
//   argv[2]      JSON SimulatorOptions (request logging is always off: it would grow without bound)
//   → ready      { url, direct, idp, firstDay, today }   member counts per listing, for the minimum
//   ← stats      → { requests, byStatus, cpuMs }           counters since start (callers take deltas)
//   ← close      closes the server and exits
import { startSimulator } from '../dist/simulator/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const sim = await startSimulator({ ...options, logRequests: false });
const members = sim.data.members(null);
process.send({
  type: 'ready',
  url: sim.url,
  direct: members.filter((m) => m.listing !== 'idp').length,
  idp: members.filter((m) => m.listing !== 'direct').length,
  firstDay: sim.data.firstDay(),
  today: sim.data.today(),
});

process.on('message', (message) => {
  if (message.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send({ type: 'stats', id: message.id, ...sim.stats(), cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (message.type === 'close') {
    void sim.close().then(() => process.exit(0));
  }
});
// The parent went away: do not linger.
process.on('disconnect', () => void sim.close().then(() => process.exit(0)));

/**
 * Virtual time for a whole read against the simulator over loopback, so that a seed replays exactly.
 *
 * One clock drives the connector's HTTP layer (limiter pacing, retry waits, per-attempt deadlines:
 * `httpClock`) and the simulator (latency, 'slow' faults, token bucket: `simulatorTimers`), and a
 * dispatcher (`dispatcher`, undici over real loopback sockets) lets the clock know what is on the
 * wire. `run` moves time on only when nothing real is happening: every request sent has reached the
 * simulator and waits there on the virtual clock. Then it does exactly one thing — sends the
 * requests the connector asked for since the last step, or fires the earliest timer — and waits
 * again. So whatever arrives over the sockets, and in whatever order, the connector and the
 * simulator see the same events in the same order on every run:
 * - requests are sent only at a step, so an abort (a read killed mid-way) can only catch one that
 *   was never sent or one already waiting at the simulator, never one in transit;
 * - timers that end together fire in a fixed order: the connector's by when they were set, the
 *   simulator's by the id this dispatcher gave the request (a header), not by arrival.
 * The simulator needs a latency of at least 1 ms (so every request waits there) for this to hold.
 */
import { Agent, type Dispatcher } from 'undici';
import type { HttpClock } from '../../src/cli/io.js';
import type { RequestLogEntry, SimulatorTimers } from '../../src/simulator/index.js';

export const REPLAY_ID_HEADER = 'x-replay-id';

interface Timer {
  at: number;
  /** 0 = the connector's (ordered by `seq`), 1 = the simulator's (ordered by request id, then seq). */
  side: 0 | 1;
  requestId: number;
  seq: number;
  fire: () => void;
}

interface Queued {
  id: number;
  send: () => void;
}

const COMPLETIONS = new Set(['onComplete', 'onError', 'onResponseEnd', 'onResponseError']);

const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class VirtualTime {
  private t: number;
  private seq = 0;
  private nextRequestId = 1;
  private timers: Timer[] = [];
  private queued: Queued[] = [];
  /** Requests sent and not yet answered (or failed), by id. */
  private readonly onWire = new Set<number>();
  private readonly agent = new Agent({ connect: { timeout: 60_000 } });
  readonly dispatcher: Dispatcher;

  constructor(epochMs: number) {
    this.t = epochMs;
    this.dispatcher = this.agent.compose((dispatch) => (options, handler) => {
      const id = this.nextRequestId++;
      const headers = { ...(options.headers as Record<string, string>), [REPLAY_ID_HEADER]: String(id) };
      const done = (): void => void this.onWire.delete(id);
      const tracked = new Proxy(handler, {
        get: (target, name, receiver) => {
          const value: unknown = Reflect.get(target, name, receiver);
          if (typeof value !== 'function') return value;
          const method = value as (...args: unknown[]) => unknown;
          return (...args: unknown[]) => {
            if (COMPLETIONS.has(String(name))) done();
            return method.apply(target, args);
          };
        },
      });
      this.queued.push({
        id,
        send: () => {
          this.onWire.add(id);
          dispatch({ ...options, headers }, tracked);
        },
      });
      return true;
    });
  }

  now(): number {
    return this.t;
  }

  /** The connector's clock. */
  readonly httpClock: HttpClock = {
    now: () => this.t,
    sleep: (ms) => new Promise((resolve) => this.add(ms, 0, 0, resolve)),
    after: (ms, fn) => {
      const timer = this.add(ms, 0, 0, fn);
      return () => void (this.timers = this.timers.filter((other) => other !== timer));
    },
  };

  /** The simulator's clock. */
  readonly simulatorTimers: SimulatorTimers = {
    now: () => this.t,
    sleep: (ms: number, request: RequestLogEntry) =>
      new Promise<void>((resolve) => this.add(ms, 1, Number(request.headers[REPLAY_ID_HEADER] ?? Number.MAX_SAFE_INTEGER), resolve)),
  };

  /** Runs `work` (a read) to its end, moving virtual time as described above. */
  async run<T>(work: Promise<T>): Promise<T> {
    const tracked = work.finally(() => undefined);
    tracked.catch(() => undefined);
    await this.drive(tracked, () => false, Number.POSITIVE_INFINITY);
    return tracked;
  }

  /**
   * Moves time as `run` does, but only until `work` ends ('finished'), `stop()` holds ('stopped'), or
   * nothing is left to do ('idle': no request to send, none on the wire, no timer set, for
   * `idleSteps` checks in a row: 1,000 turns of the event loop, then 5 ms apart). Idle with `work`
   * unfinished means it waits on something outside this clock and the wire (a reader that stopped
   * reading stdout), and would wait so however long it were left. The real-time tail only lets work
   * the clock cannot see (file reads at start-up on a loaded machine) finish before idle is called;
   * pass Infinity where such work may still be due (the start of a read).
   */
  async runUntil(work: Promise<unknown>, stop: () => boolean, idleSteps = 1_100): Promise<'finished' | 'stopped' | 'idle'> {
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    return this.drive(tracked, stop, idleSteps);
  }

  private async drive(work: Promise<unknown>, stop: () => boolean, idleSteps: number): Promise<'finished' | 'stopped' | 'idle'> {
    let finished = false;
    const end = (): void => {
      finished = true;
    };
    work.then(end, end);
    let idle = 0;
    for (;;) {
      for (let i = 0; i < 4; i += 1) await immediate();
      if (finished) return 'finished';
      if (stop()) return 'stopped';
      if (!this.quiet()) {
        await immediate(); // bytes on a loopback socket: real time, and soon
        continue;
      }
      if (this.queued.length > 0) {
        const batch = this.queued.sort((a, b) => a.id - b.id);
        this.queued = [];
        for (const request of batch) request.send();
        idle = 0;
        continue;
      }
      const next = this.takeNext();
      if (next) {
        this.t = Math.max(this.t, next.at);
        next.fire();
        idle = 0;
        continue;
      }
      // Nothing on the clock and nothing on the wire: something real (a socket closing) is due.
      idle += 1;
      if (idle >= idleSteps) return 'idle';
      await (idle > 1_000 ? new Promise((resolve) => setTimeout(resolve, 5)) : immediate());
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Every request on the wire has reached the simulator and waits there on this clock. */
  private quiet(): boolean {
    if (this.onWire.size === 0) return true;
    const parked = new Set(this.timers.filter((timer) => timer.side === 1).map((timer) => timer.requestId));
    for (const id of this.onWire) if (!parked.has(id)) return false;
    return true;
  }

  private add(ms: number, side: 0 | 1, requestId: number, fire: () => void): Timer {
    const timer: Timer = { at: this.t + Math.max(0, ms), side, requestId, seq: this.seq++, fire };
    this.timers.push(timer);
    return timer;
  }

  private takeNext(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.timers) {
      if (!best || compare(timer, best) < 0) best = timer;
    }
    if (best) this.timers = this.timers.filter((timer) => timer !== best);
    return best;
  }
}

function compare(a: Timer, b: Timer): number {
  return a.at - b.at || a.side - b.side || (a.side === 1 ? a.requestId - b.requestId : 0) || a.seq - b.seq;
}

import { describe, expect, it } from 'vitest';
import { Heartbeat, LATE_SLACK, type HeartbeatHooks } from '../../src/socket/heartbeat';
import { ManualClock } from '../helpers/manual-clock';

function make(over: Partial<HeartbeatHooks> = {}) {
  const clock = new ManualClock();
  const log: string[] = [];
  let pending = 0;
  let writable = true;
  const hooks: HeartbeatHooks = {
    _outbox: {
      _write: (data) => {
        log.push(writable ? `ping:${String(data)}` : 'ping-refused');
        return writable && 'written';
      },
      _buffered: () => pending,
    },
    _heartbeatDead: () => log.push('dead'),
    _heartbeatRtt: (ms) => log.push(`rtt:${ms}`),
    ...over,
  };
  const hb = new Heartbeat({ interval: 1000, timeout: 500, message: 'ping', isPong: (d) => d === 'pong' }, clock, hooks);
  return {
    hb,
    clock,
    log,
    setPending: (n: number) => void (pending = n),
    setWritable: (w: boolean) => void (writable = w),
  };
}

describe('Heartbeat', () => {
  it('pings after interval of silence and reports RTT on the pong', () => {
    const { hb, clock, log } = make();
    hb.start();
    clock.advance(999);
    expect(log).toEqual([]);
    clock.advance(1);
    expect(log).toEqual(['ping:ping']);
    clock.advance(120);
    expect(hb._inbound('pong')).toBe(true);
    expect(log).toEqual(['ping:ping', 'rtt:120']);
  });

  it('any inbound message postpones the ping, without moving timers on every message', () => {
    const { hb, clock, log } = make();
    hb.start();
    for (let i = 0; i < 10; i++) {
      clock.advance(400);
      expect(hb._inbound(`data ${i}`)).toBe(false);
    }
    expect(log).toEqual([]);
    expect(clock.pending).toBe(1);
    clock.advance(1000);
    expect(log).toEqual(['ping:ping']);
  });

  it('declares dead when nothing arrives within timeout of a ping', () => {
    const { hb, clock, log } = make();
    hb.start();
    clock.advance(1000 + 499);
    expect(log).toEqual(['ping:ping']);
    clock.advance(1);
    expect(log).toEqual(['ping:ping', 'dead']);
    expect(clock.pending).toBe(0);
  });

  it('any inbound message after the ping also proves life', () => {
    const { hb, clock, log } = make();
    hb.start();
    clock.advance(1100);
    hb._inbound('ordinary message');
    clock.advance(400);
    expect(log).toEqual(['ping:ping']);
    clock.advance(1000);
    expect(log).toEqual(['ping:ping', 'ping:ping']);
  });

  it('a timer that fires minutes late never causes a false timeout', () => {
    const { hb, clock, log } = make();
    hb.start();
    clock.advance(1000); // ping out
    clock.jump(5 * 60_000); // the page froze; the timer is now minutes late
    clock.advance(0);
    expect(log).toEqual(['ping:ping', 'ping:ping']); // a fresh probe, no verdict
    hb._inbound('pong');
    clock.advance(999);
    expect(log).toEqual(['ping:ping', 'ping:ping', 'rtt:0']);
  });

  it('a long freeze over a dead connection is caught at the next wake-up', () => {
    const { hb, clock, log } = make();
    hb.start();
    clock.advance(1000);
    clock.jump(10 * 60_000);
    clock.advance(0); // wakes up late: re-probe
    clock.advance(500); // the fresh ping's deadline, on time
    expect(log).toEqual(['ping:ping', 'ping:ping', 'dead']);
  });

  it(`lateness up to ${LATE_SLACK} ms (throttled timers) is still judged`, () => {
    const { hb, clock, log } = make();
    hb.start();
    clock.advance(1000);
    clock.jump(500 + LATE_SLACK);
    clock.advance(0);
    expect(log).toEqual(['ping:ping', 'dead']);
  });

  it('a ping that was never sent never times out', () => {
    const { hb, clock, log, setWritable } = make();
    setWritable(false);
    hb.start();
    clock.advance(1000);
    clock.advance(10_000);
    expect(log.filter((l) => l === 'dead')).toEqual([]);
    expect(log[0]).toBe('ping-refused');
    setWritable(true);
    clock.advance(1000);
    expect(log.at(-1)).toBe('ping:ping');
  });

  it('a draining outbound buffer counts as life: the pong is stuck behind our data', () => {
    const { hb, clock, log, setPending } = make();
    setPending(100_000);
    hb.start();
    clock.advance(1000);
    setPending(60_000);
    clock.advance(500);
    expect(log).toEqual(['ping:ping', 'ping:ping']);
    clock.advance(500); // no progress since the second ping
    expect(log.at(-1)).toBe('dead');
  });

  it('probe() pings at once and resolves with the RTT', async () => {
    const { hb, clock, log } = make();
    hb.start();
    const rtt = hb.probe();
    expect(log).toEqual(['ping:ping']);
    const again = hb.probe(); // shares the ping in flight
    clock.advance(42);
    hb._inbound('pong');
    await expect(rtt).resolves.toBe(42);
    await expect(again).resolves.toBe(42);
    expect(log).toEqual(['ping:ping', 'rtt:42']);
  });

  it('stop() clears the timer and rejects pending probes', async () => {
    const { hb, clock } = make();
    hb.start();
    const probe = hb.probe();
    hb.stop(new Error('gone'));
    await expect(probe).rejects.toThrow('gone');
    expect(clock.pending).toBe(0);
  });

  it('a throwing isPong or message function does not escape', () => {
    const clock = new ManualClock();
    const hb = new Heartbeat(
      {
        interval: 10,
        timeout: 10,
        message: () => {
          throw new Error('bad ping');
        },
        isPong: () => {
          throw new Error('bad isPong');
        },
      },
      clock,
      { _outbox: { _write: () => 'written', _buffered: () => 0 }, _heartbeatDead: () => {}, _heartbeatRtt: () => {} },
    );
    hb.start();
    expect(hb._inbound('x')).toBe(false);
    expect(() => clock.advance(100)).not.toThrow();
    hb.stop(undefined);
  });

  it('a pong with no ping outstanding is still swallowed, without an RTT', () => {
    const { hb, log } = make();
    hb.start();
    expect(hb._inbound('pong')).toBe(true);
    expect(log).toEqual([]);
  });
});

import { ChatConnection } from "./socket";
import type { ConnectionOptions, ConnectionState, SocketLike } from "./socket";
import type { Envelope } from "./types";

class FakeSocket implements SocketLike {
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) { this.sent.push(data); }
  close() { this.closed = true; }
  frame(event: string, payload: Record<string, unknown> = {}) {
    const envelope: Envelope = { v: 1, type: "chat_status", event, thread_id: "t", seq: null,
                                 in_reply_to: null, correlation_id: null, ts: "", payload };
    this.onmessage?.({ data: JSON.stringify(envelope) });
  }
  drop(code: number) { this.onclose?.({ code }); }
}

function harness(overrides: Partial<ConnectionOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const states: ConnectionState[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  let lastSeq = 0;
  let token = "t1";
  const connection = new ChatConnection({
    threadId: "thread",
    token: () => token,
    refreshToken: async () => { token = "t2"; return token; },
    lastSeq: () => lastSeq,
    onFrame: () => undefined,
    onState: (state) => states.push(state),
    onNotice: () => undefined,
    open: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
    newId: () => "cid",
    random: () => 0.5,
    setTimer: (callback, ms) => { timers.push({ callback, ms }); return timers.length; },
    clearTimer: () => undefined,
    ...overrides,
  });
  return { connection, sockets, states, timers, setLastSeq: (n: number) => { lastSeq = n; } };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

test("it connects with the last seq it holds and is connected on the connected frame", () => {
  const { connection, sockets, states, setLastSeq } = harness();
  setLastSeq(7);
  connection.start();
  expect(sockets[0]!.url).toContain("last_seq=7");
  expect(sockets[0]!.url).toContain("token=t1");
  sockets[0]!.frame("connected");
  expect(connection.state).toBe("connected");
  expect(states).toEqual(["connected"]);
});

test("a drop reconnects after an exponential, jittered backoff, resuming from last_seq", () => {
  const { connection, sockets, timers, setLastSeq } = harness();
  connection.start();
  sockets[0]!.drop(1006);
  expect(connection.state).toBe("reconnecting");
  sockets.length; // no new socket before the timer fires
  expect(sockets).toHaveLength(1);
  expect(timers[0]!.ms).toBe(375); // 500 ms ceiling, half fixed, half jitter (random 0.5)
  setLastSeq(12);
  timers[0]!.callback();
  expect(sockets[1]!.url).toContain("last_seq=12");
  sockets[1]!.drop(1006);
  expect(timers[1]!.ms).toBe(750); // the ceiling doubles
  timers[1]!.callback();
  sockets[2]!.frame("connected");
  sockets[2]!.drop(1001);
  expect(timers[2]!.ms).toBe(375); // a successful connection resets the backoff
});

test("going offline stops trying; coming back online reconnects at once", () => {
  const { connection, sockets, timers } = harness();
  connection.start();
  sockets[0]!.frame("connected");
  connection.wentOffline();
  expect(connection.state).toBe("offline");
  expect(sockets[0]!.closed).toBe(true);
  expect(timers).toHaveLength(0);
  connection.cameOnline();
  expect(connection.state).toBe("reconnecting");
  expect(sockets).toHaveLength(2);
});

test("4401 refreshes the token over HTTP and reconnects with it", async () => {
  const { connection, sockets, states } = harness();
  connection.start();
  sockets[0]!.frame("connected");
  sockets[0]!.drop(4401);
  expect(connection.state).toBe("expired");
  await flush();
  expect(sockets[1]!.url).toContain("token=t2");
  expect(states).toEqual(["connected", "expired", "reconnecting"]);
});

test("4401 with no way to refresh stays expired", async () => {
  const { connection, sockets } = harness({ refreshToken: async () => null });
  connection.start();
  sockets[0]!.drop(4401);
  await flush();
  expect(connection.state).toBe("expired");
  expect(sockets).toHaveLength(1);
});

test("token_expiring renews the token in band", async () => {
  const { connection, sockets } = harness();
  connection.start();
  sockets[0]!.frame("connected");
  sockets[0]!.frame("token_expiring");
  await flush();
  expect(JSON.parse(sockets[0]!.sent[0]!)).toEqual({ type: "auth", token: "t2" });
});

test("a thread that is not ours stops the client for good", () => {
  const { connection, sockets, timers } = harness();
  connection.start();
  sockets[0]!.drop(4403);
  expect(timers).toHaveLength(0);
  connection.cameOnline();
  expect(sockets).toHaveLength(1);
});

test("a deleted thread (4404) is reported gone once and never retried", () => {
  const gone: number[] = [];
  const { connection, sockets, timers } = harness({ onGone: (code) => gone.push(code) });
  connection.start();
  sockets[0]!.frame("connected");
  sockets[0]!.drop(4404);
  expect(gone).toEqual([4404]);
  expect(timers).toHaveLength(0);
  connection.cameOnline();
  expect(sockets).toHaveLength(1);
});

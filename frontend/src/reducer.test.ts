import { chatReducer, emptyChat, isGenerating, visibleBubbles } from "./reducer";
import type { ChatState } from "./reducer";
import type { Envelope } from "./types";

function durable(seq: number, event: string, payload: Record<string, unknown>,
                 inReplyTo: number | null = null): Envelope {
  return { v: 1, type: event === "turn_failed" ? "chat_error" : "chat_message", event,
           thread_id: "t", seq, in_reply_to: inReplyTo, correlation_id: "c", ts: "", payload };
}
function ephemeral(event: string, payload: Record<string, unknown>, inReplyTo: number): Envelope {
  return { v: 1, type: event === "token" ? "chat_delta" : "chat_status", event, thread_id: "t",
           seq: null, in_reply_to: inReplyTo, correlation_id: "c", ts: "", payload };
}
const user = (seq: number, text: string, clientMsgId: string | null = null) =>
  durable(seq, "user_message", { message_id: `m${seq}`, text, client_msg_id: clientMsgId });
const reply = (seq: number, inReplyTo: number, text: string) =>
  durable(seq, "assistant_message", { message_id: `m${seq}`, text, recommendations: [],
                                      agent: "local", degraded: false, cancelled: false },
          inReplyTo);
const apply = (state: ChatState, ...frames: Envelope[]) =>
  frames.reduce((s, envelope) => chatReducer(s, { kind: "frame", envelope }), state);

test("durable events are kept in seq order, once each", () => {
  const state = apply(emptyChat, user(1, "hi"), user(1, "hi"), reply(2, 1, "hello"));
  expect(visibleBubbles(state).map((b) => [b.seq, b.text])).toEqual([[1, "hi"], [2, "hello"]]);
  expect(state.lastSeq).toBe(2);
});

test("a gap asks for a resync instead of showing events out of order", () => {
  const state = apply(emptyChat, user(1, "hi"), reply(3, 1, "late"));
  expect(state.needsResync).toBe(true);
  expect(state.lastSeq).toBe(1);
  const reloaded = chatReducer(state, { kind: "history", events: [reply(2, 1, "a"), reply(3, 1, "b")] });
  expect(reloaded.needsResync).toBe(false);
  expect(reloaded.lastSeq).toBe(3);
});

test("an optimistic message is confirmed by its seq, not duplicated", () => {
  let state = chatReducer(emptyChat, { kind: "optimistic", clientMsgId: "c1", text: "hi" });
  expect(visibleBubbles(state)[0]).toMatchObject({ pending: true, seq: null });
  state = apply(state, user(1, "hi", "c1"));
  const shown = visibleBubbles(state);
  expect(shown).toHaveLength(1);
  expect(shown[0]).toMatchObject({ pending: false, seq: 1 });
});

test("streamed pieces join by offset, repeats and overlaps dropped", () => {
  const state = apply(emptyChat, user(1, "q"),
    ephemeral("token", { text: "Hello ", offset: 0 }, 1),
    ephemeral("token", { text: "Hello ", offset: 0 }, 1),   // a replayed repeat
    ephemeral("token", { text: "lo world", offset: 3 }, 1), // overlaps the text so far
    ephemeral("token", { text: "!", offset: 99 }, 1));      // beyond a gap: ignored
  expect(state.streams[1]).toBe("Hello world");
  expect(visibleBubbles(state).map((b) => b.streaming)).toEqual([false, true]);
  expect(isGenerating(state)).toBe(true);
});

test("the terminal event replaces the stream and ends typing, which cannot come back", () => {
  let state = apply(emptyChat, user(1, "q"), ephemeral("typing", { value: true }, 1),
                    ephemeral("token", { text: "Hel", offset: 0 }, 1), reply(2, 1, "Hello"));
  expect(state.typing).toEqual([]);
  expect(state.streams).toEqual({});
  state = apply(state, ephemeral("typing", { value: true }, 1)); // a late frame
  expect(state.typing).toEqual([]);
  expect(isGenerating(state)).toBe(false);
  expect(visibleBubbles(state).map((b) => b.text)).toEqual(["q", "Hello"]);
});

test("a failed turn becomes an error bubble offering to send the message again", () => {
  const state = apply(emptyChat, user(1, "find a villa"),
    durable(2, "turn_failed", { code: "deadline_exceeded", message: "Too slow.", retryable: true }, 1));
  const error = visibleBubbles(state)[1];
  expect(error).toMatchObject({ role: "error", text: "Too slow.", retryText: "find a villa" });
});

test("stored bubbles carry their time; sending and streaming ones have none yet", () => {
  const stamped = { ...user(1, "hi"), ts: "2026-12-01T10:00:00Z" };
  let state = apply(emptyChat, stamped, ephemeral("token", { text: "Hel", offset: 0 }, 1));
  state = chatReducer(state, { kind: "optimistic", clientMsgId: "x", text: "more" });
  expect(visibleBubbles(state).map((b) => b.ts)).toEqual(["2026-12-01T10:00:00Z", null, null]);
});

test("a reply starting, arriving, stopping or failing is announced; history is not", () => {
  const loaded = chatReducer(emptyChat, { kind: "history", events: [user(1, "hi"), reply(2, 1, "old")] });
  expect(loaded.announcement).toBeNull();
  let state = apply(loaded, user(3, "again"));
  expect(state.announcement).toBeNull(); // the person's own message is not news to them
  state = apply(state, ephemeral("token", { text: "Hel", offset: 0 }, 3));
  expect(state.announcement).toEqual({ n: 1, kind: "replying", text: "" });
  state = apply(state, ephemeral("token", { text: "lo", offset: 3 }, 3));
  expect(state.announcement?.n).toBe(1); // not once per piece
  state = apply(state, reply(4, 3, "Hello"));
  expect(state.announcement).toEqual({ n: 2, kind: "replied", text: "Hello" });
  const stopped = durable(6, "assistant_message", { message_id: "m6", text: "Hal",
    recommendations: [], agent: null, degraded: false, cancelled: true }, 5);
  state = apply(state, user(5, "go"), stopped);
  expect(state.announcement).toEqual({ n: 3, kind: "stopped", text: "Hal" });
  state = apply(state, user(7, "x"), durable(8, "turn_failed",
    { code: "deadline_exceeded", message: "It took too long.", retryable: true }, 7));
  expect(state.announcement).toEqual({ n: 4, kind: "failed", text: "It took too long." });
});

test("a long reply is announced cut short", () => {
  const long = "a".repeat(1000);
  const state = apply(emptyChat, user(1, "hi"), reply(2, 1, long));
  expect(state.announcement?.text).toBe(`${"a".repeat(600)}…`);
});

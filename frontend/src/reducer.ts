// The conversation as the person sees it, built from durable events (ordered by seq, each once),
// optimistic sends (by client_msg_id) and ephemeral frames (typing, streamed text by offset).
import type {
  AssistantMessagePayload,
  Envelope,
  RecItem,
  TurnFailedPayload,
  UserMessagePayload,
} from "./types";

export interface Bubble {
  key: string;
  role: "user" | "assistant" | "error";
  seq: number | null;
  text: string;
  inReplyTo: number | null;
  cards: RecItem[];
  pending: boolean;
  streaming: boolean;
  cancelled: boolean;
  degraded: boolean;
  retryText: string | null;
  /** When it was stored (ISO-8601); null while it is being sent or streamed. */
  ts: string | null;
}

/** What a screen reader is told of the conversation's last change: what happened (worded by
 * the page, in its language) and the text it concerns; `n` counts them, so the same news told
 * twice is announced twice. */
export interface Announcement {
  n: number;
  kind: "replying" | "replied" | "stopped" | "failed";
  text: string;
}

export interface ChatState {
  lastSeq: number;
  durable: Bubble[];
  pending: Bubble[];
  streams: Record<number, string>;
  typing: number[];
  needsResync: boolean;
  announcement: Announcement | null;
}

export const emptyChat: ChatState = {
  lastSeq: 0, durable: [], pending: [], streams: {}, typing: [], needsResync: false,
  announcement: null,
};

const ANNOUNCED_CHARS = 600;

export type ChatAction =
  | { kind: "reset" }
  | { kind: "history"; events: Envelope[] }
  | { kind: "frame"; envelope: Envelope }
  | { kind: "optimistic"; clientMsgId: string; text: string };

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.kind) {
    case "reset":
      return emptyChat;
    case "history": // what was already there is not news: nothing is announced
      return action.events.reduce(applyFrame, { ...state, needsResync: false });
    case "frame": {
      const next = applyFrame(state, action.envelope);
      const told = news(state, next);
      if (told === null) return next;
      return { ...next, announcement: { n: (state.announcement?.n ?? 0) + 1, ...told } };
    }
    case "optimistic":
      if (state.pending.some((b) => b.key === action.clientMsgId)) return state;
      return {
        ...state,
        pending: [...state.pending, bubble("user", action.clientMsgId, null, action.text, {
          pending: true,
        })],
      };
  }
}

function applyFrame(state: ChatState, envelope: Envelope): ChatState {
  if (envelope.seq !== null) return applyDurable(state, envelope);
  const turn = envelope.in_reply_to;
  if (envelope.event === "typing" && turn !== null) {
    const on = Boolean((envelope.payload as { value?: boolean }).value);
    const typing = state.typing.filter((t) => t !== turn);
    return { ...state, typing: on && !isAnswered(state, turn) ? [...typing, turn] : typing };
  }
  if (envelope.event === "token" && turn !== null && !isAnswered(state, turn)) {
    const { text, offset } = envelope.payload as { text: string; offset: number };
    const current = state.streams[turn] ?? "";
    if (offset > current.length) return state; // a piece from beyond a gap: wait for the rest
    const merged = current.slice(0, offset) + text;
    if (merged.length <= current.length) return state; // a repeat
    return { ...state, streams: { ...state.streams, [turn]: merged } };
  }
  return state;
}

function applyDurable(state: ChatState, envelope: Envelope): ChatState {
  const seq = envelope.seq as number;
  if (seq <= state.lastSeq) return state; // already have it
  if (seq > state.lastSeq + 1) return { ...state, needsResync: true }; // a gap: reload history
  const next: ChatState = { ...state, lastSeq: seq };
  if (envelope.event === "user_message") {
    const p = envelope.payload as unknown as UserMessagePayload;
    next.pending = state.pending.filter((b) => b.key !== p.client_msg_id);
    next.durable = [...state.durable, bubble("user", p.message_id, seq, p.text, {
      ts: envelope.ts,
    })];
    return next;
  }
  const turn = envelope.in_reply_to;
  const streams = { ...state.streams };
  if (turn !== null) delete streams[turn];
  next.streams = streams;
  next.typing = state.typing.filter((t) => t !== turn);
  if (envelope.event === "assistant_message") {
    const p = envelope.payload as unknown as AssistantMessagePayload;
    next.durable = [...state.durable, bubble("assistant", p.message_id, seq, p.text, {
      inReplyTo: turn, cards: p.recommendations, cancelled: p.cancelled, degraded: p.degraded,
      ts: envelope.ts,
    })];
  } else if (envelope.event === "turn_failed") {
    const p = envelope.payload as unknown as TurnFailedPayload;
    const asked = state.durable.find((b) => b.seq === turn);
    next.durable = [...state.durable, bubble("error", `failed-${seq}`, seq, p.message, {
      inReplyTo: turn, retryText: p.retryable && asked ? asked.text : null, ts: envelope.ts,
    })];
  }
  return next;
}

/** What changed for a person who cannot see it: a reply starting, arriving, stopping, failing. */
function news(before: ChatState, after: ChatState): Omit<Announcement, "n"> | null {
  const added = after.durable.slice(before.durable.length);
  const last = added[added.length - 1];
  if (last?.role === "assistant") {
    return { kind: last.cancelled ? "stopped" : "replied", text: cut(last.text) };
  }
  if (last?.role === "error") return { kind: "failed", text: last.text };
  const started = Object.keys(after.streams).some((turn) => !(turn in before.streams));
  if (started) return { kind: "replying", text: "" };
  return null;
}

function cut(text: string): string {
  return text.length > ANNOUNCED_CHARS ? `${text.slice(0, ANNOUNCED_CHARS)}…` : text;
}

function isAnswered(state: ChatState, turn: number): boolean {
  return state.durable.some((b) => b.inReplyTo === turn && b.role !== "user");
}

function bubble(role: Bubble["role"], key: string, seq: number | null, text: string,
                extra: Partial<Bubble> = {}): Bubble {
  return {
    key, role, seq, text, inReplyTo: null, cards: [], pending: false, streaming: false,
    cancelled: false, degraded: false, retryText: null, ts: null, ...extra,
  };
}

/** What to show, in order: stored bubbles, replies being streamed after the message they
 * answer, then sends not yet confirmed. */
export function visibleBubbles(state: ChatState): Bubble[] {
  const shown: Bubble[] = [];
  for (const b of state.durable) {
    shown.push(b);
    const streamed = b.role === "user" && b.seq !== null ? state.streams[b.seq] : undefined;
    if (streamed !== undefined) {
      shown.push(bubble("assistant", `stream-${b.seq}`, null, streamed, {
        streaming: true, inReplyTo: b.seq,
      }));
    }
  }
  return [...shown, ...state.pending];
}

export function isGenerating(state: ChatState): boolean {
  return state.typing.length > 0 || Object.keys(state.streams).length > 0;
}

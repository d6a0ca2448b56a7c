import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import {
  ApiError, cancelTurn, createThread, forgetSession, history, listThreads, login, newId,
  refreshAccess, sendMessage, storedRefresh,
} from "./api";
import { chatReducer, emptyChat, isGenerating, visibleBubbles } from "./reducer";
import type { Bubble } from "./reducer";
import { browserSocket, ChatConnection } from "./socket";
import type { ConnectionState } from "./socket";
import type { RecItem, Thread } from "./types";

const MAX_CHARS = 4000;

export function App() {
  const [token, setToken] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(storedRefresh() !== null);
  useEffect(() => {
    if (!restoring) return;
    void refreshAccess().then((access) => {
      setToken(access);
      setRestoring(false);
    });
  }, [restoring]);
  if (restoring) return <p className="loading">Loading…</p>;
  if (!token) return <Login onLoggedIn={setToken} />;
  return <Chat initialToken={token} onLoggedOut={() => { forgetSession(); setToken(null); }} />;
}

function Login({ onLoggedIn }: { onLoggedIn: (token: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    try {
      const session = await login(String(form.get("username")), String(form.get("password")));
      onLoggedIn(session.access);
    } catch (caught) {
      setError(caught instanceof ApiError ? "Wrong username or password." : "Cannot reach the server.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="login" onSubmit={submit}>
      <h1>Easy Islanders</h1>
      <p>Homes, cars, services and things to do in North Cyprus.</p>
      <label>Username <input name="username" data-testid="login-username" autoComplete="username" required /></label>
      <label>Password <input name="password" type="password" data-testid="login-password" autoComplete="current-password" required /></label>
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" data-testid="login-submit" disabled={busy}>Log in</button>
    </form>
  );
}

interface Toast { id: string; text: string }

function Chat({ initialToken, onLoggedOut }: { initialToken: string; onLoggedOut: () => void }) {
  const token = useRef(initialToken);
  const [threads, setThreads] = useState<Thread[]>([]);
  const [threadId, setThreadId] = useState<string | null>(null);
  const [chat, dispatch] = useReducer(chatReducer, emptyChat);
  const chatRef = useRef(chat);
  chatRef.current = chat;
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const connectionRef = useRef<ChatConnection | null>(null);
  const outbox = useRef<{ clientMsgId: string; text: string; threadId: string }[]>([]);
  const flushing = useRef(false);
  const [toasts, setToasts] = useState<Toast[]>([]);

  const toast = useCallback((text: string) => {
    const id = newId();
    setToasts((all) => [...all.slice(-2), { id, text }]);
    setTimeout(() => setToasts((all) => all.filter((t) => t.id !== id)), 6000);
  }, []);

  const refresh = useCallback(async () => {
    const access = await refreshAccess();
    if (access) token.current = access;
    else onLoggedOut();
    return access;
  }, [onLoggedOut]);

  // Threads: the newest is opened; one is created on first use.
  useEffect(() => {
    void (async () => {
      let list = await listThreads(token.current);
      if (list.length === 0) list = [await createThread(token.current)];
      setThreads(list);
      setThreadId((current) => current ?? list[0]?.thread_id ?? null);
    })().catch(() => toast("Cannot load your conversations."));
  }, [toast]);

  const loadHistory = useCallback(async (id: string) => {
    dispatch({ kind: "reset" });
    dispatch({ kind: "history", events: await history(token.current, id) });
  }, []);

  const flush = useCallback(async () => {
    if (flushing.current) return;
    flushing.current = true;
    try {
      while (outbox.current.length > 0 && navigator.onLine) {
        const next = outbox.current[0]!;
        try {
          await sendMessage(token.current, next.threadId, next.text, next.clientMsgId);
          outbox.current.shift();
        } catch (caught) {
          if (caught instanceof ApiError && caught.status === 401 && (await refresh())) continue;
          if (caught instanceof ApiError && caught.status < 500 && caught.status !== 429) {
            outbox.current.shift(); // refused for good (too long, say): say why, drop it
            toast(caught.message);
            continue;
          }
          break; // offline or the server is away: try again when back
        }
      }
    } finally {
      flushing.current = false;
    }
  }, [refresh, toast]);

  // One socket per open thread, resuming from the last seq we hold.
  useEffect(() => {
    if (!threadId) return;
    let active = true;
    const conn = new ChatConnection({
      threadId,
      token: () => token.current,
      refreshToken: refresh,
      lastSeq: () => chatRef.current.lastSeq,
      onFrame: (envelope) => {
        if (!active) return;
        dispatch({ kind: "frame", envelope });
        if (envelope.event === "resync_required") void loadHistory(threadId);
        if (envelope.event === "connected") void flush();
      },
      onState: (state) => active && setConnection(state),
      onNotice: toast,
      open: browserSocket,
      newId,
    });
    connectionRef.current = conn;
    void loadHistory(threadId).then(() => active && conn.start());
    const offline = () => conn.wentOffline();
    const online = () => { conn.cameOnline(); void flush(); };
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    return () => {
      active = false;
      conn.stop();
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
    };
  }, [threadId, refresh, loadHistory, flush, toast]);

  useEffect(() => {
    if (chat.needsResync && threadId) void loadHistory(threadId);
  }, [chat.needsResync, threadId, loadHistory]);

  const send = useCallback((text: string) => {
    if (!threadId) return;
    const clientMsgId = newId();
    dispatch({ kind: "optimistic", clientMsgId, text });
    outbox.current.push({ clientMsgId, text, threadId });
    void flush();
  }, [threadId, flush]);

  const stop = useCallback(() => {
    if (!threadId) return;
    if (!connectionRef.current?.send({ type: "cancel" })) {
      void cancelTurn(token.current, threadId).catch(() => toast("Could not stop the reply."));
    }
  }, [threadId, toast]);

  async function newThread() {
    const thread = await createThread(token.current);
    setThreads((all) => [thread, ...all]);
    setThreadId(thread.thread_id);
  }

  const bubbles = visibleBubbles(chat);
  const generating = isGenerating(chat);
  return (
    <div className="chat">
      <aside className="threads">
        <button type="button" onClick={() => void newThread()} data-testid="new-thread">New conversation</button>
        <ul>
          {threads.map((t) => (
            <li key={t.thread_id}>
              <button type="button" aria-current={t.thread_id === threadId}
                      onClick={() => setThreadId(t.thread_id)}>
                {t.title || `Conversation ${t.thread_id.slice(0, 8)}`}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="logout" onClick={onLoggedOut}>Log out</button>
      </aside>
      <main>
        <div className="connection" data-testid="connection-status" data-state={connection}
             role="status">{CONNECTION_WORDS[connection]}</div>
        <ol className="messages" aria-live="polite">
          {bubbles.map((b) => <Message key={b.key} bubble={b} onRetry={send} />)}
          {chat.typing.length > 0 && (
            <li className="typing" data-testid="typing-indicator" aria-label="The assistant is typing">
              <span /><span /><span />
            </li>
          )}
        </ol>
        <Composer onSend={send} onStop={stop} generating={generating} />
      </main>
      <div className="toasts">
        {toasts.map((t) => <div key={t.id} className="toast" data-testid="toast" role="alert">{t.text}</div>)}
      </div>
    </div>
  );
}

const CONNECTION_WORDS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "You are offline. Messages will be sent when you are back.",
  expired: "Your session expired. Renewing…",
};

function Message({ bubble, onRetry }: { bubble: Bubble; onRetry: (text: string) => void }) {
  if (bubble.role === "error") {
    return (
      <li className="bubble error" data-testid="message-error" data-seq={bubble.seq ?? undefined}>
        <p>{bubble.text}</p>
        {bubble.retryText && (
          <button type="button" onClick={() => onRetry(bubble.retryText as string)}>Retry</button>
        )}
      </li>
    );
  }
  const testId = bubble.role === "user" ? "message-user" : "message-assistant";
  return (
    <li className={`bubble ${bubble.role}${bubble.pending ? " pending" : ""}`}
        data-testid={testId} data-seq={bubble.seq ?? undefined}
        data-streaming={bubble.streaming || undefined}>
      <p>{bubble.text}{bubble.cancelled && <em className="note"> (stopped)</em>}</p>
      {bubble.degraded && <p className="note">Answered by the offline assistant.</p>}
      {bubble.cards.length > 0 && (
        <div className="cards">{bubble.cards.map((c) => <Card key={c.id} card={c} />)}</div>
      )}
    </li>
  );
}

function Card({ card }: { card: RecItem }) {
  return (
    <a className="card" data-testid="rec-card" href={card.url} target="_blank" rel="noopener noreferrer">
      <img src={card.image_url} alt="" width={320} height={200} loading="lazy" />
      <strong>{card.title}</strong>
      <span>{card.subtitle}</span>
      <span className="price">{card.price_display}</span>
      {card.badges.length > 0 && (
        <span className="badges">{card.badges.map((b) => <span key={b} className="badge">{b}</span>)}</span>
      )}
    </a>
  );
}

function Composer({ onSend, onStop, generating }: {
  onSend: (text: string) => void; onStop: () => void; generating: boolean;
}) {
  const [text, setText] = useState("");
  const tooLong = text.length > MAX_CHARS;
  const empty = text.trim().length === 0;
  function submit() {
    if (empty || tooLong) return;
    onSend(text.trim());
    setText("");
  }
  function keyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    }
  }
  return (
    <div className="composer">
      <textarea data-testid="composer-input" value={text} rows={2}
                placeholder="Ask for a flat, a car, a plumber, a place to eat…"
                aria-label="Your message" onChange={(e) => setText(e.target.value)} onKeyDown={keyDown} />
      {text.length > MAX_CHARS * 0.8 && (
        <span className={`counter${tooLong ? " over" : ""}`}>{text.length}/{MAX_CHARS}</span>
      )}
      {generating && (
        <button type="button" data-testid="composer-stop" onClick={onStop}>Stop</button>
      )}
      <button type="button" data-testid="composer-send" disabled={empty || tooLong} onClick={submit}>Send</button>
    </div>
  );
}

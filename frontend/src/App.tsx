import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent, MouseEvent, RefObject } from "react";
import { useTranslation } from "react-i18next";
import {
  ApiError, cancelTurn, createThread, deleteThread, forgetSession, getThread, history,
  listingDetail, listThreads, login, myEnquiries, newId, refreshAccess, renameThread,
  sendEnquiry, sendMessage, storedRefresh,
} from "./api";
import { fullTime, messageTime } from "./format";
import { badgeText, currentLanguage, errorText, formatNumber, formatPrice } from "./i18n";
import { LanguagePicker } from "./LanguagePicker";
import { ListingPanel } from "./ListingPanel";
import type { ListingApi } from "./ListingPanel";
import { ReplyText } from "./Markdown";
import { chatReducer, emptyChat, isGenerating, visibleBubbles } from "./reducer";
import type { Bubble } from "./reducer";
import { listingInLocation, listingLocation } from "./route";
import { browserSocket, ChatConnection } from "./socket";
import type { ConnectionState } from "./socket";
import { nextAfterDelete, threadsReducer } from "./threads";
import { threadTitle, ThreadList } from "./Threads";
import type { RecItem } from "./types";
import { useStickToBottom } from "./stickToBottom";
import { useVisualViewport } from "./viewport";

const MAX_CHARS = 4000;
const CLOCK_TICK_MS = 30_000;

export function App() {
  const { t } = useTranslation();
  const [token, setToken] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(storedRefresh() !== null);
  useVisualViewport();
  useEffect(() => {
    if (!restoring) return;
    void refreshAccess().then((access) => {
      setToken(access);
      setRestoring(false);
    });
  }, [restoring]);
  if (restoring) return <p className="loading" role="status">{t("app.loading")}</p>;
  if (!token) return <Login onLoggedIn={setToken} />;
  return <Chat initialToken={token} onLoggedOut={() => { forgetSession(); setToken(null); }} />;
}

function Login({ onLoggedIn }: { onLoggedIn: (token: string) => void }) {
  const { t } = useTranslation();
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
      setError(t(caught instanceof ApiError ? "login.wrongPassword" : "login.unreachable"));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="login-page">
      <form className="login" onSubmit={submit}>
        <h1>{t("app.name")}</h1>
        <p>{t("app.tagline")}</p>
        <label>{t("login.username")} <input name="username" data-testid="login-username" autoComplete="username" required /></label>
        <label>{t("login.password")} <input name="password" type="password" data-testid="login-password" autoComplete="current-password" required /></label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" className="primary" data-testid="login-submit" disabled={busy}>{t("login.submit")}</button>
        <LanguagePicker />
      </form>
    </main>
  );
}

interface Toast { id: string; text: string }

function Chat({ initialToken, onLoggedOut }: { initialToken: string; onLoggedOut: () => void }) {
  const { t, i18n } = useTranslation();
  const token = useRef(initialToken);
  const [threads, dispatchThreads] = useReducer(threadsReducer, []);
  const threadsRef = useRef(threads);
  threadsRef.current = threads;
  const [threadId, setThreadId] = useState<string | null>(null);
  const [listLoaded, setListLoaded] = useState(false);
  const [chat, dispatch] = useReducer(chatReducer, emptyChat);
  const chatRef = useRef(chat);
  chatRef.current = chat;
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const connectionRef = useRef<ChatConnection | null>(null);
  const outbox = useRef<{
    clientMsgId: string; text: string; threadId: string; language: string;
  }[]>([]);
  const flushing = useRef(false);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const now = useClock();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const newThreadButton = useRef<HTMLButtonElement>(null);
  const composerInput = useRef<HTMLTextAreaElement>(null);
  const [listingId, setListingId] = useState<number | null>(() => listingInLocation(location.search));
  const listingOpener = useRef<HTMLElement | null>(null);

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

  /** An HTTP call with the access token, renewed once if it has expired meanwhile. */
  const authed = useCallback(async <T,>(work: (access: string) => Promise<T>): Promise<T> => {
    try {
      return await work(token.current);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401 && (await refresh())) {
        return work(token.current);
      }
      throw caught;
    }
  }, [refresh]);

  // Threads: the newest is opened; one is created on first use.
  useEffect(() => {
    void (async () => {
      let list = await authed(listThreads);
      if (list.length === 0) list = [await authed(createThread)];
      dispatchThreads({ kind: "loaded", threads: list });
      setThreadId((current) => current ?? list[0]?.thread_id ?? null);
      setListLoaded(true);
    })().catch(() => toast(t("threads.loadFailed")));
  }, [authed, toast, t]);

  useEffect(() => { composerInput.current?.focus(); }, []);

  const loadHistory = useCallback(async (id: string) => {
    dispatch({ kind: "reset" });
    try {
      dispatch({ kind: "history", events: await authed((access) => history(access, id)) });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 404) {
        dispatchThreads({ kind: "deleted", threadId: id }); // deleted elsewhere
      }
      throw caught;
    }
  }, [authed]);

  /** A stored event of the open thread: the list's order and, for a first message, its title. */
  const noteActivity = useCallback((id: string, at: string, firstMessage: boolean) => {
    dispatchThreads({ kind: "activity", threadId: id, at });
    const known = threadsRef.current.find((t) => t.thread_id === id);
    // Not in the list yet (its creation still on its way back on a slow network) counts as
    // untitled too: the fetch brings it in with its title.
    if (firstMessage && !known?.title) {
      void authed((access) => getThread(access, id))
        .then((thread) => dispatchThreads({ kind: "upsert", thread }), () => undefined);
    }
  }, [authed]);

  /** A thread gone for this person (deleted here or elsewhere): off the list, and if it was
   * open, the next one opens (or a new one starts when none is left). */
  const forgetThread = useCallback((id: string) => {
    const next = nextAfterDelete(threadsRef.current, id);
    dispatchThreads({ kind: "deleted", threadId: id });
    setThreadId((current) => (current === id ? next : current));
  }, []);

  // No conversation left once the list has loaded (the last one was deleted): start one.
  useEffect(() => {
    if (!listLoaded || threadId !== null || threads.length > 0) return;
    void authed(createThread).then((thread) => {
      dispatchThreads({ kind: "upsert", thread });
      setThreadId((current) => current ?? thread.thread_id);
    }, () => toast(t("threads.newFailed")));
  }, [listLoaded, threadId, threads.length, authed, toast, t]);

  const flush = useCallback(async () => {
    if (flushing.current) return;
    flushing.current = true;
    try {
      while (outbox.current.length > 0 && navigator.onLine) {
        const next = outbox.current[0]!;
        try {
          await sendMessage(token.current, next.threadId, next.text, next.clientMsgId,
                            next.language);
          outbox.current.shift();
        } catch (caught) {
          if (caught instanceof ApiError && caught.status === 401 && (await refresh())) continue;
          if (caught instanceof ApiError && caught.status < 500 && caught.status !== 429) {
            outbox.current.shift(); // refused for good (too long, say): say why, drop it
            toast(errorText(caught.code, caught.message, t));
            continue;
          }
          break; // offline or the server is away: try again when back
        }
      }
    } finally {
      flushing.current = false;
    }
  }, [refresh, toast, t]);

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
        if (envelope.seq !== null) {
          noteActivity(threadId, envelope.ts, envelope.event === "user_message");
        }
        if (envelope.event === "resync_required") void loadHistory(threadId).catch(() => undefined);
        if (envelope.event === "connected") void flush();
      },
      onState: (state) => active && setConnection(state),
      onNotice: (notice) => toast(t(`notice.${notice}`)),
      onGone: () => active && forgetThread(threadId),
      open: browserSocket,
      newId,
    });
    connectionRef.current = conn;
    void loadHistory(threadId).then(() => active && conn.start(), (caught: unknown) => {
      if (!active) return;
      toast(t(caught instanceof ApiError && caught.status === 404
        ? "notice.threadUnavailable"
        : "threads.loadOneFailed"));
    });
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
  }, [threadId, refresh, loadHistory, flush, toast, noteActivity, t, forgetThread]);

  useEffect(() => {
    if (chat.needsResync && threadId) void loadHistory(threadId).catch(() => undefined);
  }, [chat.needsResync, threadId, loadHistory]);

  const send = useCallback((text: string) => {
    if (!threadId) return;
    const clientMsgId = newId();
    dispatch({ kind: "optimistic", clientMsgId, text });
    // The language the person reads the chat in is the one the reply should be in.
    outbox.current.push({ clientMsgId, text, threadId, language: currentLanguage(i18n) });
    void flush();
  }, [threadId, flush, i18n]);

  const stop = useCallback(() => {
    if (!threadId) return;
    if (!connectionRef.current?.send({ type: "cancel" })) {
      void cancelTurn(token.current, threadId).catch(() => toast(t("notice.stopFailed")));
    }
  }, [threadId, toast, t]);

  // --- The conversation list (a drawer on a narrow screen) ---------------------------------

  // Where focus goes once the drawer has closed (the conversation is inert while it is open).
  const focusAfterDrawer = useRef<RefObject<HTMLElement | null> | null>(null);
  const closeDrawer = useCallback((focusMenu: boolean) => {
    focusAfterDrawer.current = focusMenu ? menuButton : null;
    setDrawerOpen(false);
  }, []);

  useEffect(() => {
    if (drawerOpen) {
      newThreadButton.current?.focus();
    } else {
      focusAfterDrawer.current?.current?.focus();
      focusAfterDrawer.current = null;
    }
  }, [drawerOpen]);

  function openThread(id: string) {
    setThreadId(id);
    focusAfterDrawer.current = composerInput;
    setDrawerOpen(false);
    composerInput.current?.focus(); // on a desktop there is no drawer to wait for
  }

  async function newThread() {
    try {
      const thread = await authed(createThread);
      dispatchThreads({ kind: "upsert", thread });
      openThread(thread.thread_id);
    } catch {
      toast(t("threads.newFailed"));
    }
  }

  async function rename(id: string, title: string) {
    try {
      const thread = await authed((access) => renameThread(access, id, title));
      dispatchThreads({ kind: "upsert", thread });
    } catch {
      toast(t("threads.renameFailed"));
    }
  }

  async function remove(id: string) {
    try {
      await authed((access) => deleteThread(access, id));
    } catch (caught) {
      if (!(caught instanceof ApiError && caught.status === 404)) {
        toast(t("threads.deleteFailed"));
        return;
      }
    }
    forgetThread(id);
    toast(t("threads.deleted"));
    newThreadButton.current?.focus();
  }

  // --- A listing opened from a card (in the address: back closes it) ---------------------

  useEffect(() => {
    const moved = () => setListingId(listingInLocation(location.search));
    window.addEventListener("popstate", moved);
    return () => window.removeEventListener("popstate", moved);
  }, []);

  const openListing = useCallback((card: RecItem, opener: HTMLElement) => {
    const id = Number(card.id);
    listingOpener.current = opener;
    window.history.pushState({ listing: id }, "", listingLocation(location.pathname, location.search, id));
    setListingId(id);
  }, []);

  const closeListing = useCallback(() => {
    if ((window.history.state as { listing?: number } | null)?.listing !== undefined) {
      window.history.back(); // popstate closes it
    } else { // opened from the address itself: there is no page of ours to go back to
      window.history.replaceState(null, "", listingLocation(location.pathname, location.search, null));
      setListingId(null);
    }
  }, []);

  const wasOpen = useRef(false);
  useEffect(() => {
    if (listingId !== null) {
      wasOpen.current = true;
    } else if (wasOpen.current) {
      wasOpen.current = false;
      const opener = listingOpener.current;
      (opener?.isConnected ? opener : composerInput.current)?.focus();
    }
  }, [listingId]);

  const listingApi = useMemo<ListingApi>(() => ({
    detail: (id) => authed((access) => listingDetail(access, id)),
    enquiries: (id) => authed((access) => myEnquiries(access, id)),
    enquire: (id, message) => authed((access) => sendEnquiry(access, id, message)),
  }), [authed]);

  // --- The page ----------------------------------------------------------------------------

  const bubbles = visibleBubbles(chat);
  const generating = isGenerating(chat);
  const typing = chat.typing.length > 0;
  const list = useStickToBottom([bubbles.length, bubbles[bubbles.length - 1]?.text, typing]);
  const current = threads.find((t) => t.thread_id === threadId);

  function keyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape" && drawerOpen) closeDrawer(true);
  }

  return (
    <>
      <div className={`chat${drawerOpen ? " drawer-open" : ""}`} inert={listingId !== null}
           onKeyDown={keyDown}>
        <nav className="threads" id="threads" aria-label={t("threads.label")}>
          <ThreadList threads={threads} current={threadId} now={now} newButton={newThreadButton}
                      onOpen={openThread} onNew={() => void newThread()} onRename={rename}
                      onDelete={remove} onLogOut={onLoggedOut} />
        </nav>
        {drawerOpen && <div className="scrim" aria-hidden="true" onClick={() => closeDrawer(true)} />}
        <main className="conversation" inert={drawerOpen}>
          <header className="topbar">
            <button type="button" ref={menuButton} className="menu" data-testid="threads-toggle"
                    aria-expanded={drawerOpen} aria-controls="threads"
                    onClick={() => setDrawerOpen(true)}>
              <span aria-hidden="true">☰</span><span className="sr-only">{t("threads.label")}</span>
            </button>
            <h1 className="thread-heading" data-testid="thread-heading">{threadTitle(current, t)}</h1>
          </header>
          <div className="connection" data-testid="connection-status" data-state={connection}
               role="status">{t(`connection.${connection}`)}</div>
          <ol className="messages" aria-label={t("chatView.messages")} ref={list.ref} onScroll={list.onScroll}>
            {bubbles.map((b) => (
              <Message key={b.key} bubble={b} now={now} onRetry={send} onOpenCard={openListing} />
            ))}
          </ol>
          <div className="typing-strip">
            {typing && (
              <div className="typing" data-testid="typing-indicator">
                <span className="dot" /><span className="dot" /><span className="dot" />
                <span className="sr-only">{t("message.typing")}</span>
              </div>
            )}
          </div>
          <Composer onSend={send} onStop={stop} generating={generating} inputRef={composerInput} />
        </main>
      </div>
      <div className="sr-only" aria-live="polite" data-testid="announcer">
        {chat.announcement && (
          <p key={chat.announcement.n}>
            {t(`announce.${chat.announcement.kind}`, { text: chat.announcement.text }).trim()}
          </p>
        )}
      </div>
      {listingId !== null && (
        <ListingPanel listingId={listingId} api={listingApi} onClose={closeListing} />
      )}
      <div className="toasts">
        {toasts.map((item) => (
          <div key={item.id} className="toast" data-testid="toast" role="alert">{item.text}</div>
        ))}
      </div>
    </>
  );
}

/** A clock for relative times, ticking often enough for "5 minutes ago" to stay true. */
function useClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), CLOCK_TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function Message({ bubble, now, onRetry, onOpenCard }: {
  bubble: Bubble; now: Date; onRetry: (text: string) => void;
  onOpenCard: (card: RecItem, opener: HTMLElement) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = currentLanguage(i18n);
  const time = bubble.ts && (
    <time className="msg-time" dateTime={bubble.ts} title={fullTime(bubble.ts, language)}
          data-testid="message-time">
      {messageTime(bubble.ts, now, language)}
    </time>
  );
  if (bubble.role === "error") {
    return (
      <li className="bubble error" data-testid="message-error" data-seq={bubble.seq ?? undefined} tabIndex={0}>
        <p>{bubble.text}</p>
        {bubble.retryText && (
          <button type="button" onClick={() => onRetry(bubble.retryText as string)}>{t("message.retry")}</button>
        )}
        {time}
      </li>
    );
  }
  const testId = bubble.role === "user" ? "message-user" : "message-assistant";
  return (
    <li className={`bubble ${bubble.role}${bubble.pending ? " pending" : ""}${bubble.cards.length ? " with-cards" : ""}`}
        data-testid={testId} data-seq={bubble.seq ?? undefined}
        data-streaming={bubble.streaming || undefined} tabIndex={0}>
      {bubble.role === "user" ? <p className="plain">{bubble.text}</p> : <ReplyText text={bubble.text} />}
      {bubble.cancelled && <p className="note">{t("message.stopped")}</p>}
      {bubble.degraded && <p className="note">{t("message.degraded")}</p>}
      {bubble.cards.length > 0 && (
        <ul className="cards" aria-label={t("chatView.recommendations")}>
          {bubble.cards.map((c) => <li key={c.id}><Card card={c} onOpen={onOpenCard} /></li>)}
        </ul>
      )}
      {bubble.pending && <span className="msg-time">{t("chatView.sending")}</span>}
      {time}
    </li>
  );
}

function Card({ card, onOpen }: { card: RecItem; onOpen: (card: RecItem, opener: HTMLElement) => void }) {
  const { t, i18n } = useTranslation();
  const perPerson = card.metadata.per_person === true;
  function click(event: MouseEvent<HTMLAnchorElement>) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return; // a new tab
    event.preventDefault();
    onOpen(card, event.currentTarget);
  }
  return (
    <a className="card" data-testid="rec-card" href={`/?listing=${encodeURIComponent(card.id)}`} onClick={click}>
      <img src={card.image_url} alt="" width={320} height={200} loading="lazy" />
      <strong>{card.title}</strong>
      <span>{card.subtitle}</span>
      <span className="price">{formatPrice(card.price, perPerson, t, currentLanguage(i18n))}</span>
      {card.badges.length > 0 && (
        <span className="badges">{card.badges.map((b) => <span key={b} className="badge">{badgeText(b, t)}</span>)}</span>
      )}
    </a>
  );
}

function Composer({ onSend, onStop, generating, inputRef }: {
  onSend: (text: string) => void; onStop: () => void; generating: boolean;
  inputRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const { t, i18n } = useTranslation();
  const language = currentLanguage(i18n);
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
      <textarea data-testid="composer-input" value={text} rows={2} ref={inputRef}
                placeholder={t("composer.placeholder")}
                aria-label={t("composer.label")} onChange={(e) => setText(e.target.value)} onKeyDown={keyDown} />
      {text.length > MAX_CHARS * 0.8 && (
        <span className={`counter${tooLong ? " over" : ""}`}>{t("composer.counter", {
          used: formatNumber(text.length, language), max: formatNumber(MAX_CHARS, language),
        })}</span>
      )}
      {generating && (
        <button type="button" data-testid="composer-stop"
                onClick={() => { onStop(); inputRef.current?.focus(); }}>{t("composer.stop")}</button>
      )}
      <button type="button" className="primary" data-testid="composer-send" disabled={empty || tooLong}
              onClick={submit}>{t("composer.send")}</button>
    </div>
  );
}

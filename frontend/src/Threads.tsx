// The person's conversations: newest activity first, each with when it was; open, rename,
// delete. On a narrow screen this is a drawer (styles.css) opened from the top bar.
import { useEffect, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent, RefObject } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { fullTime, relativeTime } from "./format";
import { currentLanguage } from "./i18n";
import { LanguagePicker } from "./LanguagePicker";
import type { Thread } from "./types";

export function threadTitle(thread: Thread | undefined, t: TFunction): string {
  return thread?.title || t("threads.new");
}

export function ThreadList({ threads, current, now, newButton, onOpen, onNew, onRename, onDelete, onLogOut }: {
  threads: Thread[];
  newButton: RefObject<HTMLButtonElement | null>;
  current: string | null;
  now: Date;
  onOpen: (threadId: string) => void;
  onNew: () => void;
  onRename: (threadId: string, title: string) => Promise<void>;
  onDelete: (threadId: string) => Promise<void>;
  onLogOut: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <button type="button" ref={newButton} className="new-thread primary" onClick={onNew}
              data-testid="new-thread">
        {t("threads.new")}
      </button>
      <ul className="thread-list" aria-label={t("threads.yours")}>
        {threads.map((t) => (
          <ThreadRow key={t.thread_id} thread={t} current={t.thread_id === current} now={now}
                     onOpen={onOpen} onRename={onRename} onDelete={onDelete} />
        ))}
      </ul>
      <button type="button" className="logout" onClick={onLogOut}>{t("threads.logout")}</button>
      <LanguagePicker />
    </>
  );
}

type Mode = "view" | "rename" | "delete";

function ThreadRow({ thread, current, now, onOpen, onRename, onDelete }: {
  thread: Thread; current: boolean; now: Date;
  onOpen: (threadId: string) => void;
  onRename: (threadId: string, title: string) => Promise<void>;
  onDelete: (threadId: string) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const language = currentLanguage(i18n);
  const [mode, setMode] = useState<Mode>("view");
  const [draft, setDraft] = useState(thread.title);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const title = threadTitle(thread, t);

  useEffect(() => {
    if (mode === "rename") field.current?.focus();
    if (mode === "delete") confirm.current?.focus();
  }, [mode]);

  function back() {
    setMode("view");
    setTimeout(() => renameButton.current?.focus(), 0);
  }

  async function rename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    try {
      await onRename(thread.thread_id, draft);
      back();
    } finally {
      setBusy(false);
    }
  }

  function cancelOnEscape(event: KeyboardEvent<HTMLElement>) {
    if (event.key === "Escape") {
      event.stopPropagation();
      back();
    }
  }

  if (mode === "rename") {
    return (
      <li className="thread rename" data-testid="thread-item">
        <form onSubmit={rename} onKeyDown={cancelOnEscape}>
          <input ref={field} value={draft} maxLength={200} aria-label={t("threads.titleLabel", { title })}
                 data-testid="thread-title-input" onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" disabled={busy} data-testid="thread-rename-save">{t("threads.save")}</button>
          <button type="button" onClick={back}>{t("threads.cancel")}</button>
        </form>
      </li>
    );
  }
  if (mode === "delete") {
    return (
      <li className="thread confirm" data-testid="thread-item" onKeyDown={cancelOnEscape}>
        <p>{t("threads.confirmDelete", { title })}</p>
        <button type="button" ref={confirm} className="danger" disabled={busy}
                data-testid="thread-delete-confirm"
                onClick={() => { setBusy(true); void onDelete(thread.thread_id).finally(() => setBusy(false)); }}>
          {t("threads.delete")}
        </button>
        <button type="button" onClick={back}>{t("threads.keep")}</button>
      </li>
    );
  }
  return (
    <li className="thread" data-testid="thread-item" data-thread-id={thread.thread_id}>
      <button type="button" className="open" aria-current={current ? "page" : undefined}
              onClick={() => onOpen(thread.thread_id)}>
        <span className="title" data-testid="thread-title">{title}</span>
        <time dateTime={thread.last_activity_at} title={fullTime(thread.last_activity_at, language)}>
          {relativeTime(thread.last_activity_at, now, language)}
        </time>
      </button>
      <button type="button" ref={renameButton} className="icon" data-testid="thread-rename"
              aria-label={t("threads.renameLabel", { title })} onClick={() => { setDraft(thread.title); setMode("rename"); }}>
        <Icon path="M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4" />
      </button>
      <button type="button" className="icon" data-testid="thread-delete"
              aria-label={t("threads.deleteLabel", { title })} onClick={() => setMode("delete")}>
        <Icon path="M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13M10 11v6M14 11v6" />
      </button>
    </li>
  );
}

function Icon({ path }: { path: string }) {
  return (
    <svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24" fill="none"
         stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d={path} />
    </svg>
  );
}

// The person's conversations as the list shows them: newest activity first, each once.
import type { Thread } from "./types";

export type ThreadsAction =
  | { kind: "loaded"; threads: Thread[] }
  | { kind: "upsert"; thread: Thread }
  | { kind: "renamed"; threadId: string; title: string }
  | { kind: "deleted"; threadId: string }
  | { kind: "activity"; threadId: string; at: string };

export function threadsReducer(state: Thread[], action: ThreadsAction): Thread[] {
  switch (action.kind) {
    case "loaded":
      return sorted(action.threads);
    case "upsert":
      return sorted([action.thread, ...state.filter((t) => t.thread_id !== action.thread.thread_id)]);
    case "renamed":
      return state.map((t) => (t.thread_id === action.threadId ? { ...t, title: action.title } : t));
    case "deleted":
      return state.filter((t) => t.thread_id !== action.threadId);
    case "activity":
      return sorted(state.map((t) => (
        t.thread_id === action.threadId && Date.parse(action.at) > Date.parse(t.last_activity_at)
          ? { ...t, last_activity_at: action.at } : t)));
  }
}

function sorted(threads: Thread[]): Thread[] {
  return [...threads].sort((a, b) => Date.parse(b.last_activity_at) - Date.parse(a.last_activity_at));
}

/** The thread to open once `deleted` is gone: the next one down the list, else the one above. */
export function nextAfterDelete(threads: Thread[], deleted: string): string | null {
  const index = threads.findIndex((t) => t.thread_id === deleted);
  const rest = threads.filter((t) => t.thread_id !== deleted);
  if (rest.length === 0) return null;
  return (rest[Math.min(Math.max(index, 0), rest.length - 1)] as Thread).thread_id;
}

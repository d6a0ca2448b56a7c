import { nextAfterDelete, threadsReducer } from "./threads";
import type { Thread } from "./types";

const thread = (id: string, at: string, title = ""): Thread => ({
  thread_id: id, title, is_active: false, head_seq: 0, last_activity_at: at,
});
const a = thread("a", "2026-12-01T10:00:00Z");
const b = thread("b", "2026-12-01T11:00:00Z");
const c = thread("c", "2026-12-01T09:00:00Z");

test("the list is sorted by last activity, newest first", () => {
  const list = threadsReducer([], { kind: "loaded", threads: [a, b, c] });
  expect(list.map((t) => t.thread_id)).toEqual(["b", "a", "c"]);
});

test("activity moves a thread to the top; an older timestamp changes nothing", () => {
  const list = threadsReducer([b, a, c], { kind: "activity", threadId: "c", at: "2026-12-01T12:00:00Z" });
  expect(list.map((t) => t.thread_id)).toEqual(["c", "b", "a"]);
  const same = threadsReducer(list, { kind: "activity", threadId: "c", at: "2026-12-01T08:00:00Z" });
  expect(same[0]?.last_activity_at).toBe("2026-12-01T12:00:00Z");
});

test("upsert adds or replaces a thread once; rename and delete change only theirs", () => {
  let list = threadsReducer([b, a], { kind: "upsert", thread: { ...a, title: "Villas" } });
  expect(list.map((t) => [t.thread_id, t.title])).toEqual([["b", ""], ["a", "Villas"]]);
  list = threadsReducer(list, { kind: "upsert", thread: c });
  expect(list.map((t) => t.thread_id)).toEqual(["b", "a", "c"]);
  list = threadsReducer(list, { kind: "renamed", threadId: "b", title: "Cars" });
  expect(list.map((t) => t.title)).toEqual(["Cars", "Villas", ""]);
  list = threadsReducer(list, { kind: "deleted", threadId: "a" });
  expect(list.map((t) => t.thread_id)).toEqual(["b", "c"]);
});

test("after a delete the next thread down opens, else the one above, else none", () => {
  expect(nextAfterDelete([b, a, c], "a")).toBe("c");
  expect(nextAfterDelete([b, a, c], "c")).toBe("a");
  expect(nextAfterDelete([b], "b")).toBeNull();
});

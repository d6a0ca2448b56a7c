import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { refreshAccess } from "./api";

beforeEach(() => {
  const items = new Map<string, string>();
  vi.stubGlobal("sessionStorage", {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => { items.set(key, value); },
    removeItem: (key: string) => { items.delete(key); },
  });
});
afterEach(() => { vi.unstubAllGlobals(); });

test("concurrent renewals share one refresh call (the token is single-use)", async () => {
  sessionStorage.setItem("ei.refresh", "r1");
  const fetch = vi.fn(async () => new Response(JSON.stringify({ access: "a2", refresh: "r2" })));
  vi.stubGlobal("fetch", fetch);
  const [first, second] = await Promise.all([refreshAccess(), refreshAccess()]);
  expect([first, second]).toEqual(["a2", "a2"]);
  expect(fetch).toHaveBeenCalledTimes(1);
  expect(sessionStorage.getItem("ei.refresh")).toBe("r2");
  await refreshAccess();
  expect(fetch).toHaveBeenCalledTimes(2); // a later renewal is a new call, with the new token
});

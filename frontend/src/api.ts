// The HTTP side: login, token refresh, threads, history, sending and cancelling, listings.
import type { Enquiry, Envelope, ListingDetail, Thread } from "./types";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface Session {
  access: string;
  refresh: string;
}

// The refresh token lives in this tab's sessionStorage: it survives a reload, not the tab, and
// no other site can read it; the access token stays in memory only.
const REFRESH_KEY = "ei.refresh";

export function storedRefresh(): string | null {
  return sessionStorage.getItem(REFRESH_KEY);
}

export function forgetSession(): void {
  sessionStorage.removeItem(REFRESH_KEY);
}

export function newId(): string {
  return crypto.randomUUID();
}

async function call<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json");
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  const response = await fetch(path, { ...init, headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } }).error ?? {};
    throw new ApiError(response.status, error.code ?? "error", error.message ?? "Request failed.");
  }
  return body as T;
}

export async function login(username: string, password: string): Promise<Session> {
  const session = await call<Session>("/api/auth/token/", {
    method: "POST", body: JSON.stringify({ username, password }),
  });
  sessionStorage.setItem(REFRESH_KEY, session.refresh);
  return session;
}

// One renewal at a time: a refresh token is good for one use (the server rotates it), so two
// renewals racing in this tab with the same token would log the person out.
let renewing: Promise<string | null> | null = null;

export function refreshAccess(): Promise<string | null> {
  renewing ??= renewAccess().finally(() => { renewing = null; });
  return renewing;
}

async function renewAccess(): Promise<string | null> {
  const refresh = storedRefresh();
  if (!refresh) return null;
  try {
    const renewed = await call<{ access: string; refresh?: string }>("/api/auth/token/refresh/", {
      method: "POST", body: JSON.stringify({ refresh }),
    });
    if (renewed.refresh) sessionStorage.setItem(REFRESH_KEY, renewed.refresh);
    return renewed.access;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) forgetSession();
    return null;
  }
}

export async function listThreads(token: string): Promise<Thread[]> {
  return (await call<{ threads: Thread[] }>("/api/chat/threads/", { token })).threads;
}

export async function createThread(token: string): Promise<Thread> {
  return call<Thread>("/api/chat/threads/", { method: "POST", body: "{}", token });
}

export async function history(token: string, threadId: string): Promise<Envelope[]> {
  const events: Envelope[] = [];
  let after = 0;
  for (;;) {
    const page = await call<{ events: Envelope[]; has_more: boolean }>(
      `/api/chat/threads/${threadId}/events/?after_seq=${after}&limit=1000`, { token });
    events.push(...page.events);
    if (!page.has_more || page.events.length === 0) return events;
    after = page.events[page.events.length - 1]?.seq ?? after;
  }
}

export async function sendMessage(token: string, threadId: string, text: string,
                                  clientMsgId: string, language: string): Promise<void> {
  await call("/api/chat/", {
    method: "POST", token,
    headers: { "X-Correlation-ID": newId() },
    body: JSON.stringify({
      message: text, thread_id: threadId, client_msg_id: clientMsgId, language,
    }),
  });
}

export async function cancelTurn(token: string, threadId: string): Promise<void> {
  await call(`/api/chat/threads/${threadId}/cancel/`, { method: "POST", body: "{}", token });
}

export async function getThread(token: string, threadId: string): Promise<Thread> {
  return call<Thread>(`/api/chat/threads/${threadId}/`, { token });
}

export async function renameThread(token: string, threadId: string, title: string): Promise<Thread> {
  return call<Thread>(`/api/chat/threads/${threadId}/`, {
    method: "PATCH", body: JSON.stringify({ title }), token,
  });
}

export async function deleteThread(token: string, threadId: string): Promise<void> {
  await call(`/api/chat/threads/${threadId}/`, { method: "DELETE", token });
}

export async function listingDetail(token: string, listingId: number): Promise<ListingDetail> {
  return call<ListingDetail>(`/api/listings/${listingId}/`, { token });
}

export async function myEnquiries(token: string, listingId: number): Promise<Enquiry[]> {
  return (await call<{ enquiries: Enquiry[] }>(`/api/listings/${listingId}/enquiries/`, { token }))
    .enquiries;
}

export async function sendEnquiry(token: string, listingId: number, message: string): Promise<Enquiry> {
  return call<Enquiry>(`/api/listings/${listingId}/enquiries/`, {
    method: "POST", body: JSON.stringify({ message }), token,
  });
}

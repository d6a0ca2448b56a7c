// The one WebSocket client: an explicit state machine that keeps a thread's socket alive.
//
//   connecting ──connected frame──▶ connected ──drop──▶ reconnecting (backoff + jitter)
//        ▲                              │                    │
//        └──────── online / timer ──────┴── browser offline ─▶ offline
//   4401 ▶ expired: refresh over HTTP, then connecting again (or stay expired: log in again)
//   4403 / 4404: stop. Every (re)connect sends last_seq, so nothing is lost or repeated.
import type { Envelope } from "./types";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline" | "expired";

/** What the connection tells the person, as message keys (`notice.*` in the catalogs). */
export type Notice = "threadUnavailable" | "serverRestarted" | "sessionRenewed" | "sessionExpired";

export interface SocketLike {
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  send(data: string): void;
  close(code?: number): void;
}

export interface ConnectionOptions {
  threadId: string;
  token: () => string;
  refreshToken: () => Promise<string | null>;
  lastSeq: () => number;
  onFrame: (envelope: Envelope) => void;
  onState: (state: ConnectionState) => void;
  onNotice: (notice: Notice) => void;
  /** The thread is gone for this person (4404: deleted; 4403: not theirs): stop using it. */
  onGone?: (code: number) => void;
  open: (url: string) => SocketLike;
  newId: () => string;
  random?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  baseUrl?: string;
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 15_000;

export class ChatConnection {
  state: ConnectionState = "connecting";
  attempts = 0;
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private stopped = false;

  constructor(private readonly options: ConnectionOptions) {}

  start(): void {
    this.stopped = false;
    this.connect("connecting");
  }

  stop(): void {
    this.stopped = true;
    this.clearRetry();
    this.socket?.close(1000);
    this.socket = null;
  }

  /** The browser went offline: stop trying until it is back. */
  wentOffline(): void {
    if (this.stopped) return;
    this.clearRetry();
    this.setState("offline");
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }

  /** The browser is online again: reconnect at once, no backoff. */
  cameOnline(): void {
    if (this.stopped || this.state === "connected") return;
    this.clearRetry();
    this.attempts = 0;
    this.connect("reconnecting");
  }

  send(frame: Record<string, unknown>): boolean {
    if (this.state !== "connected" || !this.socket) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private connect(state: ConnectionState): void {
    this.setState(state);
    const { threadId, baseUrl = "" } = this.options;
    const query = new URLSearchParams({
      token: this.options.token(), last_seq: String(this.options.lastSeq()),
      cid: this.options.newId(),
    });
    const socket = this.options.open(`${baseUrl}/ws/chat/${threadId}/?${query}`);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(socket, event.data);
    socket.onclose = (event) => this.closed(socket, event.code);
  }

  private receive(socket: SocketLike, data: unknown): void {
    if (socket !== this.socket || typeof data !== "string") return;
    const envelope = JSON.parse(data) as Envelope;
    if (envelope.event === "connected") {
      this.attempts = 0;
      this.setState("connected");
    } else if (envelope.event === "token_expiring") {
      void this.renewInBand();
    }
    this.options.onFrame(envelope);
  }

  private async renewInBand(): Promise<void> {
    const token = await this.options.refreshToken();
    if (token) this.send({ type: "auth", token });
  }

  private closed(socket: SocketLike, code: number): void {
    if (socket !== this.socket || this.stopped) return;
    this.socket = null;
    if (code === 4403 || code === 4404) {
      this.stopped = true;
      this.options.onNotice("threadUnavailable");
      this.options.onGone?.(code);
      return;
    }
    if (code === 4401) {
      this.setState("expired");
      void this.refreshAndReconnect();
      return;
    }
    if (this.state === "offline") return;
    if (code === 1001) this.options.onNotice("serverRestarted");
    this.scheduleRetry(code === 4429 ? 4 : 1);
  }

  private async refreshAndReconnect(): Promise<void> {
    const token = await this.options.refreshToken();
    if (this.stopped) return;
    if (token) {
      this.options.onNotice("sessionRenewed");
      this.connect("reconnecting");
    } else {
      this.options.onNotice("sessionExpired");
    }
  }

  private scheduleRetry(factor: number): void {
    this.setState("reconnecting");
    const random = this.options.random ?? Math.random;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempts) * factor;
    const delay = ceiling / 2 + random() * (ceiling / 2); // jitter: spread reconnect storms
    this.attempts += 1;
    const setTimer = this.options.setTimer ?? ((cb, ms) => setTimeout(cb, ms));
    this.timer = setTimer(() => {
      this.timer = null;
      if (!this.stopped && this.state === "reconnecting") this.connect("reconnecting");
    }, delay);
  }

  private clearRetry(): void {
    if (this.timer !== null) {
      (this.options.clearTimer ?? ((t) => clearTimeout(t as number)))(this.timer);
      this.timer = null;
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state !== state) {
      this.state = state;
      this.options.onState(state);
    }
  }
}

export function browserSocket(url: string): SocketLike {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return new WebSocket(`${scheme}://${location.host}${url}`) as unknown as SocketLike;
}

// The server's envelope and payloads (docs/protocol.md, "2. The socket"), mirrored from chat/events.py.

export type EnvelopeType = "chat_status" | "chat_message" | "chat_delta" | "chat_error";

export interface Envelope<P = Record<string, unknown>> {
  v: 1;
  type: EnvelopeType;
  event: string;
  thread_id: string;
  seq: number | null;
  in_reply_to: number | null;
  correlation_id: string | null;
  ts: string;
  payload: P;
}

export interface RecItem {
  id: string;
  title: string;
  subtitle: string;
  category: string;
  city: string;
  area: string;
  price: { amount: number; currency: string; period: string | null };
  price_display: string;
  image_url: string;
  url: string;
  badges: string[];
  metadata: Record<string, unknown>;
}

export interface UserMessagePayload {
  message_id: string;
  text: string;
  client_msg_id: string | null;
}

export interface AssistantMessagePayload {
  message_id: string;
  text: string;
  recommendations: RecItem[];
  agent: string | null;
  degraded: boolean;
  cancelled: boolean;
}

export interface TurnFailedPayload {
  code: string;
  message: string;
  retryable: boolean;
}

export interface Thread {
  thread_id: string;
  title: string;
  is_active: boolean;
  head_seq: number;
  last_activity_at: string;
}

// The ephemeral frames' payloads (chat/events.py; tests/chat/test_envelopes.py keeps the
// field names of every payload here equal to the server's).
export interface TypingPayload {
  value: boolean;
}

export interface TokenPayload {
  text: string;
  offset: number;
}

export interface ConnectedPayload {
  head_seq: number;
  resumed_from: number | null;
  token_expires_at: string;
}

export interface ResyncRequiredPayload {
  head_seq: number;
}

export interface TokenExpiryPayload {
  token_expires_at: string;
}

export interface CancelRequestedPayload {
  in_reply_to: number | null;
  found: boolean;
}

export interface ErrorPayload {
  code: string;
  message: string;
  retryable: boolean;
}

export interface ListingFact {
  key: string;
  value: unknown;
}

/** GET /api/listings/<id>/: the card with its description, pictures and facts. */
export interface ListingDetail extends RecItem {
  description: string;
  images: { url: string; view: string }[];
  facts: ListingFact[];
}

export interface Enquiry {
  enquiry_id: number;
  listing_id: number;
  message: string;
  created_at: string;
}

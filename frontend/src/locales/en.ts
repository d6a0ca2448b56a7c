// The web chat's English messages: the reference catalog. Every other language has the same
// keys (the `Messages` type makes a missing or extra key a compile error).

export const en = {
  app: {
    name: "Easy Islanders",
    tagline: "Homes, cars, services and things to do in North Cyprus.",
    loading: "Loading…",
  },
  language: {
    label: "Language",
  },
  login: {
    username: "Username",
    password: "Password",
    submit: "Log in",
    wrongPassword: "Wrong username or password.",
    unreachable: "Cannot reach the server.",
  },
  threads: {
    new: "New conversation",
    untitled: "Conversation {{id}}",
    logout: "Log out",
    loadFailed: "Cannot load your conversations.",
    label: "Conversations",
    yours: "Your conversations",
    newFailed: "Could not start a new conversation.",
    renameFailed: "Could not rename the conversation.",
    deleteFailed: "Could not delete the conversation.",
    deleted: "Conversation deleted.",
    loadOneFailed: "Cannot load this conversation.",
    titleLabel: "New title for “{{title}}”",
    save: "Save",
    cancel: "Cancel",
    confirmDelete: "Delete “{{title}}” and its messages?",
    delete: "Delete",
    keep: "Keep",
    renameLabel: "Rename “{{title}}”",
    deleteLabel: "Delete “{{title}}”",
  },
  connection: {
    connecting: "Connecting…",
    connected: "Connected",
    reconnecting: "Reconnecting…",
    offline: "You are offline. Messages will be sent when you are back.",
    expired: "Your session expired. Renewing…",
  },
  notice: {
    threadUnavailable: "This conversation is not available.",
    serverRestarted: "The server restarted; reconnecting…",
    sessionRenewed: "Your session was renewed.",
    sessionExpired: "Your session has expired. Please log in again.",
    stopFailed: "Could not stop the reply.",
    requestFailed: "Request failed.",
  },
  errors: {
    invalid_request: "The message could not be sent: {{detail}}",
    payload_too_large: "The message is too long.",
    throttled: "Too many messages at once; please wait a moment.",
  },
  message: {
    typing: "The assistant is typing",
    stopped: "(stopped)",
    degraded: "Answered by the offline assistant.",
    retry: "Retry",
  },
  composer: {
    placeholder: "Ask for a flat, a car, a plumber, a place to eat…",
    label: "Your message",
    send: "Send",
    stop: "Stop",
    counter: "{{used}}/{{max}}",
  },
  card: {
    period: {
      month: "per month",
      night: "per night",
      day: "per day",
      hour: "per hour",
    },
    perPerson: "per person",
    badge: {
      sea_view: "Sea view",
      pool: "Pool",
      pet_friendly: "Pet friendly",
      verified: "Verified",
    },
  },
  chatView: {
    messages: "Messages",
    recommendations: "Recommendations",
    sending: "Sending…",
  },
  announce: {
    replying: "The assistant is replying…",
    replied: "The assistant replied: {{text}}",
    stopped: "Reply stopped. {{text}}",
    failed: "The reply failed: {{text}}",
  },
  listing: {
    fallbackTitle: "Listing",
    back: "Back to the conversation",
    loading: "Loading the listing…",
    missing: "This listing is no longer available.",
    failed: "The listing could not be loaded. Try again soon.",
    pictures: "Pictures of {{title}}",
    picture: "Picture {{n}} of {{count}}: {{view}}",
    view: {
      outside: "what it is",
      inside: "a closer look",
      map: "where it is",
    },
    highlights: "Highlights",
  },
  enquiry: {
    heading: "Ask about this listing",
    label: "Your message",
    placeholder: "Is it available? Can I see it this week?",
    empty: "Write what you would like to ask.",
    throttled: "You have sent many enquiries; try again later.",
    failed: "The enquiry could not be sent. Try again.",
    submit: "Send enquiry",
    sent: "Your enquiry was sent ({{time}}). It is stored with this listing for its provider.",
    yours: "Your enquiries",
  },
  facts: {
    property_type: "Type",
    bedrooms: "Bedrooms",
    furnished: "Furnished",
    features: "Features",
    model: "Model",
    transmission: "Transmission",
    seats: "Seats",
    service_type: "Service",
    activity_type: "Activity",
    duration_hours: "Duration",
    per_person: "Price",
    cuisine: "Cuisine",
    hours: "Opening hours",
    perPerson: "per person",
    inTotal: "in total",
    studio: "Studio",
    hoursValue_one: "{{count}} hour",
    hoursValue_other: "{{count}} hours",
    yes: "Yes",
    no: "No",
  },
};

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

/** The shape every language's catalog has: the English keys, any strings; languages with more
 * plural forms than English (Russian: one, few, many) add theirs. */
export type Messages = Shape<typeof en> & {
  facts: { hoursValue_few?: string; hoursValue_many?: string };
};

// Times and listing facts as a person reads them, in the page's language.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago": how long before `now` it was. */
export function relativeTime(iso: string, now: Date, locale?: string): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const seconds = Math.round((then - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (Math.abs(seconds) < 45) return format.format(0, "second");
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds / 60), "minute");
}

/** A message's time: the hour for today's, the date and hour for older ones. */
export function messageTime(iso: string, now: Date, locale?: string): string {
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return "";
  const sameDay = then.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { day: "numeric", month: "short", year: then.getFullYear() === now.getFullYear() ? undefined : "numeric",
        hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(locale, options).format(then);
}

/** The full date and time, for a tooltip or a screen reader. */
export function fullTime(iso: string, locale?: string): string {
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return "";
  return new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "short" }).format(then);
}

const FACT_LABELS: Record<string, string> = {
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
};

export function factLabel(key: string): string {
  return FACT_LABELS[key] ?? words(key);
}

/** A fact's value in words: booleans as yes/no, hours with their unit, lists joined. */
export function factValue(key: string, value: unknown): string {
  if (key === "per_person") return value ? "per person" : "in total";
  if (key === "bedrooms" && value === 0) return "Studio";
  if (key === "duration_hours" && typeof value === "number") {
    return value === 1 ? "1 hour" : `${value} hours`;
  }
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (Array.isArray(value)) return value.map((v) => capitalised(String(v))).join(", ");
  if (typeof value === "string") return capitalised(words(value));
  return String(value);
}

function words(text: string): string {
  return text.replaceAll("_", " ");
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// Times and listing facts as a person reads them, in the page's language.
import type { TFunction } from "i18next";

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

const FACTS = [
  "property_type", "bedrooms", "furnished", "features", "model", "transmission", "seats",
  "service_type", "activity_type", "duration_hours", "per_person", "cuisine", "hours",
] as const;

/** A listing fact's name in the page's language (`facts.*`); one not known yet, in words. */
export function factLabel(key: string, t: TFunction): string {
  const known = FACTS.find((fact) => fact === key);
  return known ? t(`facts.${known}`) : words(key);
}

/** A fact's value in words: booleans as yes/no, hours with their unit, lists joined. */
export function factValue(key: string, value: unknown, t: TFunction): string {
  if (key === "per_person") return t(value ? "facts.perPerson" : "facts.inTotal");
  if (key === "bedrooms" && value === 0) return t("facts.studio");
  if (key === "duration_hours" && typeof value === "number") {
    return t("facts.hoursValue", { count: value });
  }
  if (typeof value === "boolean") return t(value ? "facts.yes" : "facts.no");
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

// The web chat's languages: i18next with react-i18next, the language taken from the browser
// (or the person's earlier choice, kept in localStorage), `<html lang>` kept in step, and
// numbers, prices and dates formatted with Intl for that language.
import i18n from "i18next";
import type { TFunction } from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";
import { en } from "./locales/en";
import type { Messages } from "./locales/en";
import { ru } from "./locales/ru";
import { tr } from "./locales/tr";

export const LANGUAGES = ["en", "tr", "ru"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language by its own name, as the picker shows it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", tr: "Türkçe", ru: "Русский" };

/** Where the person's choice is remembered. */
export const LANGUAGE_STORAGE_KEY = "ei.language";

export const resources = {
  en: { translation: en },
  tr: { translation: tr },
  ru: { translation: ru },
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** The language in use, reduced to one the app speaks ("tr-TR" → "tr"; unknown → "en"). */
export function currentLanguage(instance: typeof i18n = i18n): Language {
  const code = (instance.resolvedLanguage ?? instance.language ?? "en").slice(0, 2);
  return isLanguage(code) ? code : "en";
}

/** Starts i18next once; the browser's detector reads localStorage first, then the browser. */
export function setUpI18n(instance: typeof i18n = i18n, detect = true): Promise<TFunction> {
  if (detect) instance.use(LanguageDetector);
  const started = instance.use(initReactI18next).init({
    resources,
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: "languageOnly",
    fallbackLng: "en",
    interpolation: { escapeValue: false }, // React escapes
    detection: {
      order: ["localStorage", "navigator", "htmlTag"],
      lookupLocalStorage: LANGUAGE_STORAGE_KEY,
      caches: ["localStorage"],
    },
  });
  if (typeof document !== "undefined") {
    const setLang = () => { document.documentElement.lang = currentLanguage(instance); };
    instance.on("languageChanged", setLang);
    setLang();
  }
  return started;
}

/** A whole number or decimal in the language's way ("1,200" / "1.200" / "1 200"). */
export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);
}

/** An amount of money in the language's way, without pennies when it has none. */
export function formatMoney(amount: number, currency: string, language: string): string {
  const whole = Number.isInteger(amount);
  return new Intl.NumberFormat(language, {
    style: "currency",
    currency,
    currencyDisplay: "narrowSymbol",
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 2,
  }).format(amount);
}

/** A date (and time) in the language's way. */
export function formatDateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" })
    .format(new Date(iso));
}

export interface Price { amount: number; currency: string; period: string | null }

const PERIODS = ["month", "night", "day", "hour"] as const;

/** A card's price: the amount for the language, then "per month" (and so on) in it. */
export function formatPrice(price: Price, perPerson: boolean, t: TFunction, language: string): string {
  const money = formatMoney(price.amount, price.currency, language);
  const period = PERIODS.find((p) => p === price.period);
  if (period) return `${money} ${t(`card.period.${period}`)}`;
  return perPerson ? `${money} ${t("card.perPerson")}` : money;
}

type BadgeKey = keyof Messages["card"]["badge"];

// The catalog's badges (catalog/seed.py), by their English text.
const BADGES: Record<string, BadgeKey> = {
  "Sea view": "sea_view",
  Pool: "pool",
  "Pet friendly": "pet_friendly",
  Verified: "verified",
  "Family friendly": "family_friendly",
  "Unlimited mileage": "unlimited_mileage",
  "Free airport delivery": "free_airport_delivery",
  "English speaking": "english_speaking",
  "Same day": "same_day",
};

/** A card's badge in the language; one the catalog added later shows as the server wrote it. */
export function badgeText(badge: string, t: TFunction): string {
  const key = BADGES[badge];
  return key ? t(`card.badge.${key}`) : badge;
}

const ERROR_CODES = [
  "payload_too_large", "throttled", "empty_message", "message_too_long", "thread_not_found",
  "service_unavailable",
] as const;

/** The words of an API error for the person: by its code when we have them, else the server's. */
export function errorText(code: string, serverMessage: string, t: TFunction): string {
  if (code === "invalid_request") return t("errors.invalid_request", { detail: serverMessage });
  const known = ERROR_CODES.find((c) => c === code);
  return known ? t(`errors.${known}`) : serverMessage;
}

export default i18n;

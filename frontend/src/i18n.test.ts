import i18next from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { afterEach, expect, test, vi } from "vitest";
import {
  badgeText, currentLanguage, errorText, formatMoney, formatNumber, formatPrice,
  LANGUAGE_STORAGE_KEY, LANGUAGES, resources, setUpI18n,
} from "./i18n";
import { en } from "./locales/en";

afterEach(() => { vi.unstubAllGlobals(); });

function leaves(tree: object, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) => typeof value === "string"
    ? [[`${prefix}${key}`, value] as [string, string]]
    : leaves(value as object, `${prefix}${key}.`));
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? "").sort();
}

test("every language has every English message, none empty, with the same placeholders", () => {
  const english = new Map(leaves(en));
  for (const language of LANGUAGES) {
    const messages = new Map(leaves(resources[language].translation));
    // Plural forms English has no use for (Russian's few and many) are the only extras.
    const own = [...messages.keys()].filter((key) => !/_(few|many)$/.test(key) || english.has(key));
    expect(own.sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of messages) {
      expect(text.trim(), `${language}:${key}`).not.toBe("");
      const reference = english.get(key) ?? english.get(key.replace(/_(few|many)$/, "_other"))!;
      expect(placeholders(text), `${language}:${key}`).toEqual(placeholders(reference));
    }
  }
  // Translated, not copied: the interface reads differently in each language.
  expect(resources.tr.translation.composer.send).not.toBe(en.composer.send);
  expect(resources.ru.translation.composer.send).not.toBe(en.composer.send);
});

async function started(stored: string | null, browser: string[]) {
  const items = new Map<string, string>(stored ? [[LANGUAGE_STORAGE_KEY, stored]] : []);
  const storage = {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => { items.set(key, value); },
    removeItem: (key: string) => { items.delete(key); },
  };
  const documentElement = { lang: "en" };
  vi.stubGlobal("window", { localStorage: storage });
  vi.stubGlobal("localStorage", storage);
  vi.stubGlobal("navigator", { languages: browser, language: browser[0] });
  vi.stubGlobal("document", { documentElement });
  const instance = i18next.createInstance();
  instance.use(LanguageDetector);
  await setUpI18n(instance, false);
  return { instance, items, documentElement };
}

test("the browser's language is used, reduced to one the chat speaks, and sets <html lang>", async () => {
  const { instance, documentElement } = await started(null, ["ru-RU", "en-GB"]);
  expect(currentLanguage(instance)).toBe("ru");
  expect(documentElement.lang).toBe("ru");
  expect(instance.t("composer.send")).toBe("Отправить");

  const other = await started(null, ["de-DE"]);
  expect(currentLanguage(other.instance)).toBe("en");
});

test("a chosen language is remembered and wins over the browser's", async () => {
  const first = await started(null, ["en-US"]);
  await first.instance.changeLanguage("tr");
  expect(first.items.get(LANGUAGE_STORAGE_KEY)).toBe("tr");
  expect(first.documentElement.lang).toBe("tr");

  const again = await started("tr", ["en-US"]);
  expect(currentLanguage(again.instance)).toBe("tr");
  expect(again.instance.t("composer.send")).toBe("Gönder");
});

test("prices, numbers and period words follow the language", async () => {
  const { instance } = await started("tr", ["tr-TR"]);
  const t = instance.t;
  expect(formatPrice({ amount: 1200, currency: "GBP", period: "month" }, false, t, "tr"))
    .toBe(`${formatMoney(1200, "GBP", "tr")} aylık`);
  expect(formatMoney(1200, "GBP", "tr")).toMatch(/^£1\.200$/);
  expect(formatMoney(1200, "GBP", "en")).toBe("£1,200");
  expect(formatMoney(85.5, "EUR", "ru")).toMatch(/^85,50\s€$/);
  expect(formatNumber(4000, "ru")).toMatch(/^4\s000$/);
  await instance.changeLanguage("ru");
  expect(formatPrice({ amount: 90, currency: "EUR", period: "night" }, false, instance.t, "ru"))
    .toMatch(/^90\s€ за ночь$/);
  expect(formatPrice({ amount: 30, currency: "GBP", period: null }, true, instance.t, "ru"))
    .toMatch(/^£30 с человека$|^30\s£ с человека$/);
  expect(badgeText("Sea view", instance.t)).toBe("Вид на море");
  expect(badgeText("Something new", instance.t)).toBe("Something new");
  expect(errorText("payload_too_large", "Message too long.", instance.t)).toBe("Сообщение слишком длинное.");
  expect(errorText("thread_missing", "No such thread.", instance.t)).toBe("No such thread.");
});

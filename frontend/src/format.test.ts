import i18next from "i18next";
import { resources } from "./i18n";
import { factLabel, factValue, fullTime, messageTime, relativeTime } from "./format";

const now = new Date("2026-12-01T12:00:00Z");
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

test("relative times read as a person says them", () => {
  expect(relativeTime(ago(10), now, "en")).toBe("now");
  expect(relativeTime(ago(5 * 60), now, "en")).toBe("5 minutes ago");
  expect(relativeTime(ago(3 * 3600), now, "en")).toBe("3 hours ago");
  expect(relativeTime(ago(26 * 3600), now, "en")).toBe("yesterday");
  expect(relativeTime(ago(15 * 24 * 3600), now, "en")).toBe("2 weeks ago");
  expect(relativeTime(ago(400 * 24 * 3600), now, "en")).toBe("last year");
  expect(relativeTime("not a date", now, "en")).toBe("");
});

test("relative times follow the language", () => {
  expect(relativeTime(ago(5 * 60), now, "tr")).toBe("5 dakika önce");
});

test("a message time is the hour today and the date before", () => {
  const today = messageTime(ago(3600), now, "en-GB");
  expect(today).toMatch(/^\d\d:\d\d$/);
  const older = messageTime("2026-11-20T09:30:00Z", now, "en-GB");
  expect(older).toContain("20 Nov");
  expect(messageTime("2025-11-20T09:30:00Z", now, "en-GB")).toContain("2025");
  expect(messageTime("", now)).toBe("");
  expect(fullTime("2026-11-20T09:30:00Z", "en-GB")).toContain("2026");
});

async function translator(lng: string) {
  const instance = i18next.createInstance();
  await instance.init({ resources, lng, fallbackLng: "en", interpolation: { escapeValue: false } });
  return instance.t;
}

test("facts are worded for people", async () => {
  const t = await translator("en");
  expect(factLabel("hours", t)).toBe("Opening hours");
  expect(factLabel("something_new", t)).toBe("something new");
  expect(factValue("furnished", true, t)).toBe("Yes");
  expect(factValue("bedrooms", 0, t)).toBe("Studio");
  expect(factValue("bedrooms", 3, t)).toBe("3");
  expect(factValue("duration_hours", 4, t)).toBe("4 hours");
  expect(factValue("duration_hours", 1, t)).toBe("1 hour");
  expect(factValue("per_person", true, t)).toBe("per person");
  expect(factValue("features", ["sea view", "private pool"], t)).toBe("Sea view, Private pool");
  expect(factValue("service_type", "ac_repair", t)).toBe("Ac repair");
});

test("facts in Turkish and Russian, with Russian's plural forms", async () => {
  const tr = await translator("tr");
  expect(factLabel("bedrooms", tr)).toBe("Yatak odası");
  expect(factValue("furnished", false, tr)).toBe("Hayır");
  const ru = await translator("ru");
  expect(factValue("duration_hours", 1, ru)).toBe("1 час");
  expect(factValue("duration_hours", 3, ru)).toBe("3 часа");
  expect(factValue("duration_hours", 6, ru)).toBe("6 часов");
  expect(factValue("bedrooms", 0, ru)).toBe("Студия");
});

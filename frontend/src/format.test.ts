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

test("facts are worded for people", () => {
  expect(factLabel("hours")).toBe("Opening hours");
  expect(factLabel("something_new")).toBe("something new");
  expect(factValue("furnished", true)).toBe("Yes");
  expect(factValue("bedrooms", 0)).toBe("Studio");
  expect(factValue("bedrooms", 3)).toBe("3");
  expect(factValue("duration_hours", 4)).toBe("4 hours");
  expect(factValue("per_person", true)).toBe("per person");
  expect(factValue("features", ["sea view", "private pool"])).toBe("Sea view, Private pool");
  expect(factValue("service_type", "ac_repair")).toBe("Ac repair");
});

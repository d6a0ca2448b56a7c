import { listingInLocation, listingLocation } from "./route";

test("only a listing id in the address opens a listing", () => {
  expect(listingInLocation("?listing=42")).toBe(42);
  expect(listingInLocation("?listing=42&x=1")).toBe(42);
  expect(listingInLocation("")).toBeNull();
  expect(listingInLocation("?listing=abc")).toBeNull();
  expect(listingInLocation("?listing=-1")).toBeNull();
  expect(listingInLocation("?listing=1e3")).toBeNull();
});

test("opening and closing a listing keeps the rest of the address", () => {
  expect(listingLocation("/", "", 7)).toBe("/?listing=7");
  expect(listingLocation("/", "?lang=tr", 7)).toBe("/?lang=tr&listing=7");
  expect(listingLocation("/", "?lang=tr&listing=7", null)).toBe("/?lang=tr");
  expect(listingLocation("/", "?listing=7", null)).toBe("/");
});

// The listing open over the conversation lives in the address (?listing=<id>), so the browser's
// back button closes it and a reload or a shared link opens it again.

export function listingInLocation(search: string): number | null {
  const raw = new URLSearchParams(search).get("listing");
  if (raw === null || !/^\d{1,12}$/.test(raw)) return null;
  return Number(raw);
}

/** The address with the listing open (or closed), everything else kept. */
export function listingLocation(pathname: string, search: string, listingId: number | null): string {
  const params = new URLSearchParams(search);
  if (listingId === null) params.delete("listing");
  else params.set("listing", String(listingId));
  const query = params.toString();
  return query ? `${pathname}?${query}` : pathname;
}

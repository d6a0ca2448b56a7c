// A listing opened from a card: its pictures, what it is and costs, its facts, and an enquiry.
// A modal dialog over the conversation (which is inert meanwhile): focus moves into it when it
// opens, Escape or the close button or the browser's back button closes it, and focus goes
// back to the card that opened it.
import { useEffect, useRef, useState } from "react";
import type { FormEvent, KeyboardEvent } from "react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { ApiError } from "./api";
import { factLabel, factValue, fullTime } from "./format";
import { badgeText, currentLanguage, formatPrice } from "./i18n";
import type { Enquiry, ListingDetail } from "./types";

const ENQUIRY_MAX_CHARS = 2000;

export interface ListingApi {
  detail: (listingId: number) => Promise<ListingDetail>;
  enquiries: (listingId: number) => Promise<Enquiry[]>;
  enquire: (listingId: number, message: string) => Promise<Enquiry>;
}

type Loaded =
  | { state: "loading" }
  | { state: "missing" }
  | { state: "failed" }
  | { state: "ready"; listing: ListingDetail };

export function ListingPanel({ listingId, api, onClose }: {
  listingId: number; api: ListingApi; onClose: () => void;
}) {
  const { t } = useTranslation();
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let active = true;
    setLoaded({ state: "loading" });
    api.detail(listingId).then(
      (listing) => active && setLoaded({ state: "ready", listing }),
      (error: unknown) => active && setLoaded({
        state: error instanceof ApiError && error.status === 404 ? "missing" : "failed",
      }),
    );
    return () => { active = false; };
  }, [listingId, api]);

  useEffect(() => { closeButton.current?.focus(); }, []);

  function keyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
    }
  }

  const title = loaded.state === "ready" ? loaded.listing.title : t("listing.fallbackTitle");
  return (
    <div className="panel-layer">
      <div className="scrim" aria-hidden="true" onClick={onClose} />
      <div className="listing-panel" role="dialog" aria-modal="true" aria-labelledby="listing-title"
           data-testid="listing-detail" data-state={loaded.state} onKeyDown={keyDown}>
        <div className="panel-bar">
          <button type="button" ref={closeButton} className="close" data-testid="listing-close"
                  onClick={onClose}>
            <span aria-hidden="true">←</span> {t("listing.back")}
          </button>
        </div>
        {loaded.state === "ready" ? (
          <ListingBody listing={loaded.listing} api={api} />
        ) : (
          <div className="panel-body">
            <h2 id="listing-title">{title}</h2>
            <p role={loaded.state === "loading" ? "status" : "alert"}>
              {loaded.state === "loading" && t("listing.loading")}
              {loaded.state === "missing" && t("listing.missing")}
              {loaded.state === "failed" && t("listing.failed")}
            </p>
          </div>
        )}
      </div>
    </div>
  );
}

function ListingBody({ listing, api }: { listing: ListingDetail; api: ListingApi }) {
  const { t, i18n } = useTranslation();
  const language = currentLanguage(i18n);
  const perPerson = listing.facts.some((f) => f.key === "per_person" && f.value === true);
  return (
    <div className="panel-body">
      <ul className="gallery" aria-label={t("listing.pictures", { title: listing.title })} tabIndex={0}>
        {listing.images.map((image, i) => (
          <li key={image.url}>
            <img src={image.url} width={320} height={200}
                 alt={t("listing.picture", {
                   n: i + 1, count: listing.images.length, view: viewWords(image.view, t),
                 })} />
          </li>
        ))}
      </ul>
      <h2 id="listing-title">{listing.title}</h2>
      <p className="place">{listing.area}, {listing.city}</p>
      <p className="price" data-testid="listing-price">
        {formatPrice(listing.price, perPerson, t, language)}
      </p>
      {listing.badges.length > 0 && (
        <ul className="badges" aria-label={t("listing.highlights")}>
          {listing.badges.map((b) => <li key={b} className="badge">{badgeText(b, t)}</li>)}
        </ul>
      )}
      <p className="description">{listing.description}</p>
      {listing.facts.length > 0 && (
        <dl className="facts" data-testid="listing-facts">
          {listing.facts.map((fact) => (
            <div key={fact.key} className={Array.isArray(fact.value) ? "wide" : undefined}>
              <dt>{factLabel(fact.key, t)}</dt>
              <dd>{factValue(fact.key, fact.value, t)}</dd>
            </div>
          ))}
        </dl>
      )}
      <EnquiryForm listing={listing} api={api} />
    </div>
  );
}

const VIEWS = ["outside", "inside", "map"] as const;

function viewWords(view: string, t: TFunction): string {
  const known = VIEWS.find((v) => v === view);
  return known ? t(`listing.view.${known}`) : view;
}

function EnquiryForm({ listing, api }: { listing: ListingDetail; api: ListingApi }) {
  const { t, i18n } = useTranslation();
  const language = currentLanguage(i18n);
  const listingId = Number(listing.id);
  const [sent, setSent] = useState<Enquiry[]>([]);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState<Enquiry | null>(null);
  const confirmation = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (confirmed) confirmation.current?.scrollIntoView({ block: "nearest" });
  }, [confirmed]);

  useEffect(() => {
    let active = true;
    api.enquiries(listingId).then((mine) => active && setSent(mine), () => undefined);
    return () => { active = false; };
  }, [listingId, api]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const message = text.trim();
    if (!message) {
      setError(t("enquiry.empty"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const enquiry = await api.enquire(listingId, message);
      setConfirmed(enquiry);
      setSent((all) => [enquiry, ...all]);
      setText("");
    } catch (caught) {
      setError(t(caught instanceof ApiError && caught.status === 429
        ? "enquiry.throttled"
        : "enquiry.failed"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="enquiry" aria-labelledby="enquiry-heading">
      <h3 id="enquiry-heading">{t("enquiry.heading")}</h3>
      <form onSubmit={submit}>
        <label htmlFor="enquiry-text">{t("enquiry.label")}</label>
        <textarea id="enquiry-text" data-testid="enquiry-input" rows={3} value={text}
                  maxLength={ENQUIRY_MAX_CHARS}
                  placeholder={t("enquiry.placeholder")}
                  onChange={(e) => setText(e.target.value)} />
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" data-testid="enquiry-submit" disabled={busy}>
          {t("enquiry.submit")}
        </button>
      </form>
      <div role="status" data-testid="enquiry-confirmation" ref={confirmation}>
        {confirmed && (
          <p className="confirmed">
            {t("enquiry.sent", { time: fullTime(confirmed.created_at, language) })}
          </p>
        )}
      </div>
      {sent.length > 0 && (
        <>
          <h4>{t("enquiry.yours")}</h4>
          <ul className="sent">
            {sent.map((e) => (
              <li key={e.enquiry_id}>
                <time dateTime={e.created_at}>{fullTime(e.created_at, language)}</time>
                <p>{e.message}</p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

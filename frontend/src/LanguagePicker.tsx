import type { ChangeEvent } from "react";
import { useTranslation } from "react-i18next";
import { currentLanguage, isLanguage, LANGUAGE_NAMES, LANGUAGES } from "./i18n";

/** The language picker: the choice is kept (localStorage) and sets `<html lang>`. */
export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  function choose(event: ChangeEvent<HTMLSelectElement>) {
    if (isLanguage(event.target.value)) void i18n.changeLanguage(event.target.value);
  }
  return (
    <label className="language-picker">
      <span>{t("language.label")}</span>
      <select data-testid="language-picker" value={currentLanguage(i18n)} onChange={choose}>
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>{LANGUAGE_NAMES[code]}</option>
        ))}
      </select>
    </label>
  );
}

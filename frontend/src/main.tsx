import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { setUpI18n } from "./i18n";
import "./styles.css";

void setUpI18n();

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

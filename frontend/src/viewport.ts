// On a phone the on-screen keyboard covers the bottom of the layout viewport; the visual
// viewport is what is still seen. The app is sized and placed to it (CSS variables read by
// styles.css), so the composer stays just above the keyboard.
import { useEffect } from "react";

export function useVisualViewport(): void {
  useEffect(() => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    const root = document.documentElement;
    const fit = () => {
      root.style.setProperty("--app-height", `${Math.round(viewport.height)}px`);
      root.style.setProperty("--app-top", `${Math.round(viewport.offsetTop)}px`);
    };
    fit();
    viewport.addEventListener("resize", fit);
    viewport.addEventListener("scroll", fit);
    return () => {
      viewport.removeEventListener("resize", fit);
      viewport.removeEventListener("scroll", fit);
      root.style.removeProperty("--app-height");
      root.style.removeProperty("--app-top");
    };
  }, []);
}

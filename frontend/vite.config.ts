import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into dist/ and served by Django (whitenoise) at /, with no CDN at run time.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, assetsDir: "assets" },
  test: { globals: true, environment: "node" },
});

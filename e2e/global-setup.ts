// Builds the app once before the end-to-end run when the build is missing or older than the sources.
import { build, buildIsStale } from '../scripts/build.mjs';

export default function globalSetup(): void {
  if (!buildIsStale()) return;
  const result = build();
  if (!result.ok) throw new Error(`electron-vite build failed:\n${result.output}`);
}

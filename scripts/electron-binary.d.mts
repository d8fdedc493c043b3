// Types for scripts/electron-binary.mjs (imported by the TypeScript e2e spec).
export declare const projectRoot: string;

export declare function findElectronBinary(options?: {
  root?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}): { ok: true; path: string } | { ok: false; reason: string; missingDownload: boolean };

export declare function displayBlocker(options?: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform }): string | null;

export declare function downloadElectronBinary(options?: {
  root?: string;
  timeoutMs?: number;
}): Promise<{ ok: true; path: string } | { ok: false; reason: string }>;

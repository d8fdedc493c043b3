// Types for scripts/build.mjs (imported by the TypeScript e2e global setup).
export declare function buildIsStale(): boolean;
export declare function build(): { ok: boolean; status: number | null; output: string };

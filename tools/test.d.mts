// Types of tools/test.mjs for the TypeScript tests that import it.
export declare const vitestTotals: (output: string) => { passed: number; failed: number };
export declare const vitestFailures: (output: string) => Array<string>;

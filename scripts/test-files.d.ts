// Types of scripts/test-files.js, for the TypeScript test runner that imports it.
export declare const END_TO_END: readonly string[];
export declare const testFiles: (kind?: 'all' | 'unit') => string[];

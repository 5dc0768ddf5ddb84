// `npm run test:browser`: the tests that drive a real Chromium (Debian's, found on PATH),
// with the same ESM/swc setup as jest.config.js. Kept out of `npm test`, which needs no browser.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120_000,
};

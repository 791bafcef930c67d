// jest for examples/testing.jest.cjs (run by test/testing/runners.test.ts). 'steadysocket' resolves to this repository's dist/ (as
// an installed package would resolve through its exports map: `require` gives the .cjs).
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
module.exports = {
  rootDir: root,
  roots: ['<rootDir>/examples'],
  testMatch: ['<rootDir>/examples/testing.jest.cjs'],
  testEnvironment: 'node',
  transform: {},
  moduleNameMapper: {
    '^steadysocket$': '<rootDir>/dist/steadysocket.cjs',
    '^steadysocket/testing$': '<rootDir>/dist/testing.cjs',
  },
};

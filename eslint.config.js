// @ts-check
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

/** SDKs that only their adapter folder may import (DESIGN.md: ports never mention a vendor). */
const ADAPTER_SDKS = [
  { group: ['@aws-sdk/*', '@smithy/*'], home: 'src/adapters/bedrock' },
  { group: ['@octokit/*'], home: 'src/adapters/github' },
  { group: ['simple-git'], home: 'src/adapters/git' },
  { group: ['ioredis', 'bullmq'], home: 'src/state, src/queue' },
];
const sdkPatterns = () =>
  ADAPTER_SDKS.map((s) => ({
    group: s.group,
    message: `Only ${s.home} may import this SDK; the rest of the code uses the port.`,
  }));

/** Folders of src/ other than the ones named. */
const srcExcept = (...names) => `./src/!(${names.join('|')})/**`;

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'experiments/k6/dist/**',
      'node_modules/**',
      'coverage/**',
      'experiment_results/**',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment only in src/config (pass env in).',
        },
      ],
      // Layering (docs/architecture.md): no import cycles, and each wing imports only what it may.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-imports': ['error', { patterns: sdkPatterns() }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/pipeline',
              from: './src',
              except: ['./pipeline'],
              message: 'The core imports none of its adapters, stores or servers: they import it.',
            },
            {
              target: srcExcept('simulation', 'composition'),
              from: './src/simulation',
              message:
                'Mock-only code: only the simulated composition (and tests) may import src/simulation.',
            },
            {
              target: './src/composition/!(simulated).ts',
              from: './src/simulation',
              message: 'Mock-only code: only composition/simulated.ts may import src/simulation.',
            },
            {
              target: srcExcept('cli'),
              from: ['./experiments', './reports', './bench', './test'],
              message: 'The product does not import the lab (experiments, reports, bench) or tests.',
            },
            {
              target: [
                './src/state',
                './src/queue',
                './src/observability',
                './src/hcl',
                './src/faults',
                './src/playbooks',
              ],
              from: [
                './src/api-server',
                './src/cli',
                './src/composition',
                './src/simulation',
                './src/adapters',
              ],
              message: 'Parts the composition assembles do not import the composition or its users.',
            },
            {
              target: './reports',
              from: ['./src', './experiments/engine', './experiments/runner', './experiments/k6', './bench'],
              message: 'Reports read the results contract (experiments/results) only.',
            },
            {
              target: './experiments/results',
              from: ['./experiments/engine', './experiments/runner', './experiments/k6', './reports'],
              message: 'The results contract does not depend on who produces or renders results.',
            },
            {
              target: ['./src', './experiments', './reports'],
              from: ['./bench', './test'],
              message: 'Benchmarks and tests import the product, never the other way round.',
            },
          ],
        },
      ],
    },
  },
  ...ADAPTER_SDKS.map((sdk) => ({
    files: sdk.home.split(', ').map((home) => `${home}/**`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ADAPTER_SDKS.filter((s) => s !== sdk).map((s) => ({
            group: s.group,
            message: `Only ${s.home} may import this SDK.`,
          })),
        },
      ],
    },
  })),
  {
    // The CLI loads the lab (experiments, reports) lazily: only src/cli/lab may import it statically, and the
    // command definitions reach src/cli/lab through import() alone.
    files: ['src/cli/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...sdkPatterns(),
            {
              group: [
                './lab/*',
                '../../experiments/*/**',
                '!../../experiments/results/tolerances.js',
                '../../reports/**',
              ],
              message: 'Load lab code with import() from the command action (see src/cli/lab).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/config/**', 'src/cli/**', 'bench/**', 'test/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests may reach any part (fakes speak SDK protocols; Redis tests use ioredis directly).
    files: ['test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Asymmetric matchers (expect.any, expect.arrayContaining) are typed `any` by vitest.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
);

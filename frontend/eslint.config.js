import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/*
 * Boundaries of the web app (DESIGN.md, "Code layout"): a feature never imports another feature, nor app/;
 * shared/ never imports features/ or app/. Code outside a feature's folder is reached as `@/shared/...`;
 * a relative path may not climb out of the feature (the rule counts each file's depth, so `../x` from
 * features/auth/api.ts and `../../x` from features/auth/pages/SignIn.tsx are both caught).
 */
const MAX_DEPTH = 4;
const FEATURE_RULE =
  'A feature never imports another feature or app/; what two features need belongs in src/shared/ (imported as @/shared/<module>)';
const SHARED_RULE = 'src/shared/ never imports features/ or app/: shared code serves every feature and knows none';
const files = (root, depth) => [`${root}/${'*/'.repeat(depth)}*.{ts,tsx}`];

const boundaries = [];
for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
  const up = `(\\.\\./){${depth + 1}}`;
  boundaries.push({
    files: files('src/features/*', depth),
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@/features', '@/features/**', '@/app', '@/app/**'], message: FEATURE_RULE },
          { regex: `^${up}`, message: `This path leaves its feature's folder. ${FEATURE_RULE}` },
        ],
      }],
    },
  });
  boundaries.push({
    files: files('src/shared', depth),
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@/features', '@/features/**', '@/app', '@/app/**'], message: SHARED_RULE },
          { regex: `^${up}(features|app)(/|$)`, message: SHARED_RULE },
        ],
      }],
    },
  });
}

export default tseslint.config(
  { ignores: ['dist', 'coverage', 'test-results', 'playwright-report', 'node_modules'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser }, ecmaVersion: 2022 },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.test.{ts,tsx}', 'e2e/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['e2e/**', '*.config.{js,ts}', 'scripts/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-console': 'off' },
  },
  ...boundaries,
  {
    // The dictionaries gather each feature's texts (features/<name>/messages.ts, plain objects): the one way
    // shared/ reaches into features/.
    files: ['src/shared/i18n/es.ts', 'src/shared/i18n/en.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^@/(features/(?![\\w-]+/messages$)|app(/|$))', message: SHARED_RULE },
          { regex: '^(\\.\\./){2}(features|app)(/|$)', message: SHARED_RULE },
        ],
      }],
    },
  },
);

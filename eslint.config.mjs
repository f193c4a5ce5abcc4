import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', crypto: 'readonly', setTimeout: 'readonly', setImmediate: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A focused test must never land: it would silently skip the rest of the suite.
      'no-restricted-properties': [
        'error',
        { object: 'test', property: 'only', message: 'test.only must not be committed' },
        { object: 'describe', property: 'only', message: 'describe.only must not be committed' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.object.name='test'][object.property.name='describe'][property.name='only']", message: 'test.describe.only must not be committed' },
      ],
    },
  },
);

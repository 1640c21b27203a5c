// Flat ESLint config for the whole workspace. The module-boundary rule encodes the one direction of
// dependencies drawn in ../shared/docs/architecture.md: a package may import only from the scopes listed.
import nx from "@nx/eslint-plugin";

export default [
  ...nx.configs["flat/base"],
  ...nx.configs["flat/typescript"],
  ...nx.configs["flat/javascript"],
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/.nx/**", "**/coverage/**", "**/test-artifacts/**", "**/vite-build/**"],
  },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.js", "**/*.mjs"],
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: "scope:core", onlyDependOnLibsWithTags: [] },
            { sourceTag: "scope:resilience", onlyDependOnLibsWithTags: ["scope:core"] },
            { sourceTag: "scope:transport", onlyDependOnLibsWithTags: ["scope:core", "scope:resilience"] },
            {
              sourceTag: "scope:rx",
              onlyDependOnLibsWithTags: ["scope:core", "scope:resilience", "scope:transport"],
            },
            { sourceTag: "scope:simulator", onlyDependOnLibsWithTags: ["scope:core"] },
            {
              sourceTag: "scope:cli",
              onlyDependOnLibsWithTags: [
                "scope:core",
                "scope:resilience",
                "scope:transport",
                "scope:rx",
                "scope:simulator",
              ],
            },
            {
              sourceTag: "scope:example",
              onlyDependOnLibsWithTags: [
                "scope:core",
                "scope:resilience",
                "scope:transport",
                "scope:rx",
                "scope:simulator",
              ],
            },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Config files reach the shared workspace config by path on purpose.
    files: ["**/vitest.config.ts", "**/vite.config.ts"],
    rules: { "@nx/enforce-module-boundaries": "off" },
  },
  {
    // Tests may reach into their own package's internals; the boundary rule still applies across packages.
    files: ["**/test/**/*.ts", "**/bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
];

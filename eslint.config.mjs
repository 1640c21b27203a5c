// Flat ESLint config for the whole workspace. The module-boundary rule encodes the one direction of
// dependencies drawn in ../shared/docs/architecture.md: a package may import only from the scopes listed.
import nx from "@nx/eslint-plugin";

const layers = {
  "scope:core": [],
  "scope:resilience": ["scope:core"],
  "scope:transport": ["scope:core", "scope:resilience"],
  "scope:rx": ["scope:core", "scope:resilience", "scope:transport"],
  "scope:store": ["scope:core", "scope:resilience", "scope:transport", "scope:rx"],
  "scope:cluster": ["scope:core", "scope:resilience", "scope:transport", "scope:rx", "scope:store"],
  "scope:simulator": ["scope:core"],
  "scope:cli": ["scope:core", "scope:resilience", "scope:transport", "scope:rx", "scope:store", "scope:cluster", "scope:simulator"],
  "scope:example": ["scope:core", "scope:resilience", "scope:transport", "scope:rx", "scope:store", "scope:simulator"],
};

/** @param {(scope: string, allowed: string[]) => string[]} extend */
const boundaries = (extend = (_scope, allowed) => allowed, allow = []) => [
  "error",
  {
    enforceBuildableLibDependency: false,
    allow,
    depConstraints: Object.entries(layers).map(([sourceTag, allowed]) => ({
      sourceTag,
      onlyDependOnLibsWithTags: extend(sourceTag, allowed),
    })),
  },
];

export default [
  ...nx.configs["flat/base"],
  ...nx.configs["flat/typescript"],
  ...nx.configs["flat/javascript"],
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/.nx/**",
      "**/coverage/**",
      "**/test-artifacts/**",
      "**/vite-build/**",
      "**/.scratch/**",
    ],
  },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.js", "**/*.mjs"],
    rules: {
      "@nx/enforce-module-boundaries": boundaries(),
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Integration tests and benchmarks of every package talk HTTP to the simulator (a devDependency, never a
    // runtime one), and benchmarks use the workspace's bench runner by path.
    files: ["**/test/**/*.ts", "**/bench/**/*.ts"],
    rules: {
      "@nx/enforce-module-boundaries": boundaries(
        (scope, allowed) => (scope === "scope:core" ? allowed : [...new Set([...allowed, "scope:simulator"])]),
        // tools/checks' tests reach the bench runner's helpers as ../../bench/*.
        ["../../../tools/bench/*", "../../../tools/contract/*", "../../../tools/postgres/*", "../../bench/*"],
      ),
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Config files reach the shared workspace config by path on purpose.
    files: ["**/vitest.config.ts", "**/vite.config.ts"],
    rules: { "@nx/enforce-module-boundaries": "off" },
  },
];

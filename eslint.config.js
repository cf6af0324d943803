import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Reading the clock or the environment is the edge's job: decisions take `now` and options. */
const NO_AMBIENT = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: "Take `now` (or a Clock) as an argument; only src/platform/clock.ts reads the time.",
  },
  {
    selector: "MemberExpression[object.name='process'][property.name='env']",
    message:
      "Take settings as arguments; only the composition root (src/cli.ts, src/commands/io.ts) reads process.env.",
  },
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "grafana/**/*.json", "bin/**"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "inline-type-imports" },
      ],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
    },
  },
  {
    // Tests index fixtures they just built, and guard teardown of what a failed setup left
    // undefined: both rules would only add noise there.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unnecessary-condition": "off",
    },
  },
  {
    files: ["src/**/*.ts", "jobs/**/*.ts"],
    ignores: ["src/platform/clock.ts", "src/cli.ts", "src/commands/io.ts"],
    rules: { "no-restricted-syntax": ["error", ...NO_AMBIENT] },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { module: "writable", require: "readonly" },
    },
  },
);

// Type-checking only (tsconfig `paths`): aws-sdk v2 reaches the program through cognito-local's and @aws-crypto's
// declaration files, never through our code, and its 930,000 lines of declarations were three quarters of what
// tsc parsed. Nothing of ours uses its types (src/local/cognito-local-modules.ts types cognito-local by the narrow
// shapes it uses), so it is declared here as one untyped value. The build does not read this: esbuild applies a
// tsconfig's paths only to the files under it, and neither src/ nor the bundled packages import aws-sdk v2.
// biome-ignore lint/suspicious/noExplicitAny: declared untyped on purpose (see above)
declare const AWS: any;
export = AWS;

// XUNWEN_BUILD_DIR puts the server build and the browser assets under another folder (default: the project),
// so two builds (a test run and a development build, say) never overwrite each other.
const out = process.env.XUNWEN_BUILD_DIR || ".";

/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverBuildPath: `${out}/build/index.js`,
  assetsBuildDirectory: `${out}/public/build`,
  // lexical ships ESM only: bundling it into the server build avoids ESM/CJS resolution differences.
  serverDependenciesToBundle: [/^lexical/, /^@lexical\//],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: false,
    v3_singleFetch: true,
  },
};

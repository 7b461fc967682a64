import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import "./globals.css";

export const metadata: Metadata = {
  title: "virtfn",
  description: "SR-IOV control plane for KVM clouds",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Reading the request makes every page render per request, so each gets its own CSP nonce
  // (see src/proxy.ts); Next.js puts the nonce on its scripts itself.
  await headers();
  // No client data layer here: pages that fetch in the browser render TRPCReactProvider
  // themselves (see src/trpc/react.tsx), so a server-rendered page paints without it.
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

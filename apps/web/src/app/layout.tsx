import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { TRPCReactProvider } from "~/trpc/react";
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
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}

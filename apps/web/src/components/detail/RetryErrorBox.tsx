"use client";

import { useRouter } from "next/navigation";
import { ErrorBox } from "~/components/ErrorBox";

/** A server-rendered panel's failed read, with a retry that renders the page again. */
export function RetryErrorBox({ error, title }: { error: unknown; title?: string }) {
  const router = useRouter();
  return <ErrorBox title={title} error={error} onRetry={() => router.refresh()} />;
}

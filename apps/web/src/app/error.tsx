"use client";

import { Button } from "~/components/ui/Button";
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="login-page">
      <div className="login-card">
        <h1>Something went wrong</h1>
        <p className="muted">
          The page could not be shown.{" "}
          {error.digest ? (
            <>
              Reference: <code>{error.digest}</code>.
            </>
          ) : null}
        </p>
        <Button variant="primary" onClick={reset}>
          Try again
        </Button>
      </div>
    </main>
  );
}

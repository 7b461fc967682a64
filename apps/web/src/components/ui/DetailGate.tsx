import Link from "next/link";
import type { ReactNode } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { errorData } from "~/lib/errors";
import { buttonClass } from "./Button";

/** The server says the thing is not there (or the id cannot be one). */
export function isNotFound(error: unknown): boolean {
  const { code, domainCode } = errorData(error);
  return code === "NOT_FOUND" || code === "BAD_REQUEST" || domainCode === "NOT_FOUND";
}

/**
 * What a detail page shows before it has its thing: loading, gone (with the way back to its
 * list), or an error to retry. The page renders it while `query.data` is missing or the last
 * answer said "not found" (a deleted thing's old data stays in the cache).
 */
export function DetailGate({
  query,
  noun,
  breadcrumb,
  back,
  missing,
}: {
  query: { isPending: boolean; error: unknown; refetch: () => unknown };
  /** "L3 network": "Loading L3 network…", "L3 network not found." */
  noun: string;
  breadcrumb: ReactNode;
  back: { href: string; label: string };
  /** Instead of the plain "not found" (where more can be said). */
  missing?: ReactNode;
}) {
  if (query.isPending) {
    return (
      <>
        {breadcrumb}
        <div className="loading" aria-busy="true">
          Loading {noun}…
        </div>
      </>
    );
  }
  return (
    <>
      {breadcrumb}
      {isNotFound(query.error) ? (
        (missing ?? (
          <div className="empty">
            <p>
              <strong>{noun.charAt(0).toUpperCase() + noun.slice(1)} not found.</strong> It may have
              been deleted.
            </p>
            <Link href={back.href} className={buttonClass()}>
              {back.label}
            </Link>
          </div>
        ))
      ) : (
        <ErrorBox
          title={`Could not load the ${noun}.`}
          error={query.error}
          onRetry={() => void query.refetch()}
        />
      )}
    </>
  );
}

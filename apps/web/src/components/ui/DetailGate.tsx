import { Link } from "~/components/ui/Link";
import type { ReactNode } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { errorData } from "~/lib/shown-error";
import { Breadcrumb } from "./Breadcrumb";
import { buttonClass } from "./Button";

/** The server says the thing is not there (or the id cannot be one). */
export function isNotFound(error: unknown): boolean {
  const { code, domainCode } = errorData(error);
  return code === "NOT_FOUND" || code === "BAD_REQUEST" || domainCode === "NOT_FOUND";
}

/** The list a detail page belongs to: its breadcrumb's first step and the way back. */
export interface DetailList {
  label: string;
  href: string;
}

/**
 * What a detail page shows before it has its thing: loading, gone (with the way back to its
 * list), or an error to retry. The page renders it while `query.data` is missing or the last
 * answer said "not found" (a deleted thing's old data stays in the cache).
 */
export function DetailGate({
  query,
  noun,
  list,
  missing,
}: {
  query: { isPending: boolean; error: unknown; refetch: () => unknown };
  /** "L3 network": "Loading L3 network…", "L3 network not found." */
  noun: string;
  list: DetailList;
  /** Instead of the plain "not found" (where more can be said). */
  missing?: ReactNode;
}) {
  const Noun = noun.charAt(0).toUpperCase() + noun.slice(1);
  const breadcrumb = <Breadcrumb parent={list.label} href={list.href} name={Noun} />;
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
              <strong>{Noun} not found.</strong> It may have been deleted.
            </p>
            <Link href={list.href} className={buttonClass()}>
              Back to {list.label}
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

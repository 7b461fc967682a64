import { PageHeader } from "~/components/ui/PageHeader";

/** While the server reads the first page of events (a visit from another page). */
export default function Loading() {
  return (
    <>
      <PageHeader title="Audit log" />
      <div className="loading" aria-busy="true">
        Loading events…
      </div>
    </>
  );
}

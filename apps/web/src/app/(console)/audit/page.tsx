import { can } from "@virtfn/core/can";
import { cookies } from "next/headers";
import { requireRole } from "~/app/(console)/guard";
import { serverApi, shownError } from "~/trpc/server";
import { AuditPage } from "./AuditPage";
import { TIME_ZONE_COOKIE } from "./filters";
import { auditListQuery } from "./list-input";

export const metadata = { title: "Audit log · virtfn" };

// Rendered on the server from core (through the caller, as the signed-in user): the table is in
// the first paint and the page needs no client data layer. Filters and paging live in the URL, so
// changing one renders this again; AuditPage refreshes it while it is open.
export default async function Page({ searchParams }: PageProps<"/audit">) {
  const user = await requireRole("audit.read");
  // core shows those who read the inventory every project (may narrow to one); others their own.
  const seesAllProjects = can(user, "inventory.read");
  const timeZone = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  const { input, exportQuery } = auditListQuery(await searchParams, timeZone);
  const api = await serverApi();
  const [events, projects] = await Promise.all([
    api.audit.list(input).then(
      (page) => ({ page, error: null }),
      (error: unknown) => ({ page: null, error: shownError(error, "audit.list", input) }),
    ),
    // The filter's options; without them the filter still works by id from a link.
    seesAllProjects
      ? api.iam.projects.list({ limit: 200 }).then(
          (page) => page.items.map((p) => ({ value: p.id, label: p.name })),
          () => [],
        )
      : [],
  ]);
  return (
    <AuditPage
      events={events.page}
      error={events.error}
      projects={projects}
      seesAllProjects={seesAllProjects}
      exportQuery={exportQuery}
    />
  );
}

import { requireRole } from "~/app/(console)/guard";
import { ProjectsPage } from "./ProjectsPage";

export const metadata = { title: "Projects · virtfn" };

export default async function Page() {
  await requireRole("iam.read");
  return <ProjectsPage />;
}

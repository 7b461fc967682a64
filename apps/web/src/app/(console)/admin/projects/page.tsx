import { requireRole } from "~/app/(console)/guard";
import { ProjectsPage } from "./ProjectsPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Projects · virtfn" };

export default async function Page() {
  await requireRole("iam.read");
  return (
    <TRPCReactProvider>
      <ProjectsPage />
    </TRPCReactProvider>
  );
}

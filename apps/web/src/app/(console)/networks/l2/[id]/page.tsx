import { requireRole } from "~/app/(console)/guard";
import { l2Toggles } from "../../toggles";
import { L2DetailPage } from "./L2DetailPage";

export const metadata = { title: "L2 network · virtfn" };

export default async function Page({ params }: PageProps<"/networks/l2/[id]">) {
  await requireRole(["Admin", "Auditor"]);
  const { id } = await params;
  return <L2DetailPage l2Id={id} toggles={l2Toggles()} />;
}

import { redirect } from "next/navigation";
import { homeFor } from "~/components/nav";
import { requireRole } from "./guard";

export default async function Home() {
  const user = await requireRole();
  redirect(homeFor(user.role));
}

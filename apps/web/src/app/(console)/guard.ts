import type { Permission } from "@virtfn/core/can";
import { can } from "@virtfn/core/can";
import { redirect } from "next/navigation";
import { homeFor } from "~/components/nav";
import { currentUser } from "~/trpc/server";

/** Server-side gate for console pages: signed in, and allowed `action` by core's can() (else home). */
export async function requireRole(action?: Permission) {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (action && !can(user, action)) redirect(homeFor(user.role));
  return user;
}

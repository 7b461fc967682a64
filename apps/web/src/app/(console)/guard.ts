import { redirect } from "next/navigation";
import { homeFor } from "~/components/nav";
import type { Role } from "~/components/session";
import { currentUser } from "~/trpc/server";

/** Server-side gate for console pages: signed in, and one of `roles` (else the role's home). */
export async function requireRole(roles?: readonly Role[]) {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (roles && !roles.includes(user.role)) redirect(homeFor(user.role));
  return user;
}

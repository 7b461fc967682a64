import { can, PERMISSIONS } from "@virtfn/core/can";
import { AppShell } from "~/components/AppShell";
import { homeFor, navFor } from "~/components/nav";
import { requireRole } from "./guard";

export default async function ConsoleLayout({ children }: LayoutProps<"/">) {
  const user = await requireRole();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell
        user={{
          username: user.username,
          role: user.role,
          permissions: PERMISSIONS.filter((action) => can(user, action)),
        }}
        items={navFor(user.role)}
        home={homeFor(user.role)}
      >
        {children}
      </AppShell>
    </>
  );
}

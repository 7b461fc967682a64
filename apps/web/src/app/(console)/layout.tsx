import { AppShell } from "~/components/AppShell";
import { requireRole } from "./guard";

export default async function ConsoleLayout({ children }: LayoutProps<"/">) {
  const user = await requireRole();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell user={{ username: user.username, role: user.role }}>{children}</AppShell>
    </>
  );
}

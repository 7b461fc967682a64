"use client";

import { Link } from "~/components/ui/Link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { NavLink } from "./nav";
import { SessionProvider, type SessionUser } from "./session";
import { Button } from "~/components/ui/Button";

/**
 * The console's frame. Its menu entries and home link come from the server (the layout asks
 * core's can() there), so that the list of pages and who may see them stay out of the browser's bundle.
 */
export function AppShell({
  user,
  items,
  home,
  children,
}: {
  user: SessionUser;
  items: NavLink[];
  home: string;
  children: React.ReactNode;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  // The shell is on every page: the tRPC client loads on click, not with the first paint.
  const signOut = () => {
    setSigningOut(true);
    void import("~/trpc/logout")
      .then(({ signOut: endSession }) => endSession())
      .catch(() => undefined)
      .finally(() => {
        router.replace("/login");
        router.refresh();
      });
  };

  // Fetch the sign-out code once the page has painted, so that a click does not wait for it
  // behind the navigation's prefetches (it brings the data layer a server-rendered page lacks).
  useEffect(() => {
    void import("~/trpc/logout");
  }, []);

  // Close the narrow-screen menu after navigating.
  useEffect(() => setMenuOpen(false), [pathname]);

  return (
    <SessionProvider user={user}>
      <div className="shell">
        <header className="topbar">
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span aria-hidden="true">☰</span>
            <span className="sr-only">Menu</span>
          </button>
          <Link href={home} className="brand">
            virtfn
          </Link>
          <span className="topbar-spacer" />
          <span className="user" data-testid="current-user">
            <span className="user-name">{user.username}</span>
            <span className={`role role-${user.role.toLowerCase()}`}>{user.role}</span>
          </span>
          <Button variant="ghost" size="sm" onClick={signOut} disabled={signingOut}>
            {signingOut ? "Signing out…" : "Sign out"}
          </Button>
        </header>
        <nav id="main-nav" className={`nav ${menuOpen ? "nav-open" : ""}`} aria-label="Main">
          <ul>
            {items.map((item) => {
              // The longest matching entry wins: /sriov/fleet is not also /sriov.
              const matches = (href: string) =>
                pathname === href || pathname.startsWith(`${href}/`);
              const active =
                matches(item.href) &&
                !items.some((other) => other.href.length > item.href.length && matches(other.href));
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    className={active ? "active" : undefined}
                    aria-current={active ? "page" : undefined}
                  >
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main className="main" id="main">
          {children}
        </main>
      </div>
    </SessionProvider>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { homeFor, navFor } from "./nav";
import { SessionProvider, type SessionUser } from "./session";
import { Button } from "~/components/ui/Button";

export function AppShell({ user, children }: { user: SessionUser; children: React.ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const [menuOpen, setMenuOpen] = useState(false);
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace("/login");
        router.refresh();
      },
    }),
  );

  // Close the narrow-screen menu after navigating.
  useEffect(() => setMenuOpen(false), [pathname]);

  const items = navFor(user.role);
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
          <Link href={homeFor(user.role)} className="brand">
            virtfn
          </Link>
          <span className="topbar-spacer" />
          <span className="user" data-testid="current-user">
            <span className="user-name">{user.username}</span>
            <span className={`role role-${user.role.toLowerCase()}`}>{user.role}</span>
          </span>
          <Button
            variant="ghost"
            size="sm"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
          >
            {logout.isPending ? "Signing out…" : "Sign out"}
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

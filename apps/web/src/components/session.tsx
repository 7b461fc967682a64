"use client";

import type { Permission, ROLES } from "@virtfn/core/can";
import { createContext, useContext } from "react";

/** core's roles (can.ts holds the one list). */
export type Role = (typeof ROLES)[number];
export interface SessionUser {
  username: string;
  role: Role;
  /** What core's can() allows this user, asked on the server: the policy stays out of the bundle. */
  permissions: readonly Permission[];
}

const SessionContext = createContext<SessionUser | null>(null);

export function SessionProvider({
  user,
  children,
}: {
  user: SessionUser;
  children: React.ReactNode;
}) {
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error("useSession outside the console layout");
  return user;
}

export function useIsAdmin(): boolean {
  return useCan("inventory.manage");
}

/** core's can() for the signed-in user (its verdicts, from the layout): what the console offers them. */
export function useCan(action: Permission): boolean {
  return useSession().permissions.includes(action);
}

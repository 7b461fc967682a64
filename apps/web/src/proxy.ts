import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "~/server/session-cookie";

/**
 * An optimistic check only: visitors without a session cookie go to /login. The console layout
 * resolves the session for real and redirects when the cookie is stale.
 */
export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const login = new URL("/login", request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== "/") login.searchParams.set("next", next);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything except the login page, the APIs, Next's assets and static files.
  matcher: ["/((?!login|api/|_next/|favicon.ico|.*\\.(?:svg|png|ico|css|js)$).*)"],
};

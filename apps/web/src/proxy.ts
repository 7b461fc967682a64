import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./server/session-cookie";

const dev = process.env.NODE_ENV !== "production";

/**
 * A nonce-based policy: only scripts carrying this request's nonce run (and what they load, by
 * 'strict-dynamic'), so an injected inline script does not. Next.js reads the nonce from the
 * request's Content-Security-Policy header and puts it on its own scripts; pages therefore render
 * per request (the root layout reads headers()). Styles keep 'unsafe-inline': React's style
 * attributes cannot carry a nonce, and styles cannot run code.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function jsonError(status: number, code: string, message: string, headers?: HeadersInit) {
  return NextResponse.json({ code, message, details: {} }, { status, headers });
}

/** The API routes and the methods they answer; anything else is a JSON 404 or 405 here. */
const API_ROUTES: Array<{ prefix: string; methods: string[] }> = [
  { prefix: "/api/v1/", methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] },
  { prefix: "/api/trpc/", methods: ["GET", "POST", "HEAD", "OPTIONS"] },
  { prefix: "/api/health", methods: ["GET", "HEAD"] },
  { prefix: "/api/docs", methods: ["GET", "HEAD"] },
  { prefix: "/api/ready", methods: ["GET", "HEAD"] },
  { prefix: "/api/metrics", methods: ["GET", "HEAD"] },
];

const REQUEST_ID = /^[\w.:@-]{1,128}$/;

/**
 * Every API request carries an X-Request-Id from here on: the caller's when it sent one, else a
 * fresh one, echoed on the answer, so that the caller, the logs and an error body name one id.
 * A malformed one is left for the REST boundary to refuse.
 */
function withRequestId(request: NextRequest): NextResponse {
  const given = request.headers.get("x-request-id");
  if (given !== null && !REQUEST_ID.test(given)) return NextResponse.next();
  const requestId = given ?? crypto.randomUUID();
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-request-id", requestId);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("x-request-id", requestId);
  return response;
}

/**
 * The API's framework-level errors in the API's JSON shape, decided before Next.js routes the
 * request: a path it could not decode (it would answer a text/plain 500), an unknown route (an
 * HTML 404) or a method the route does not export (an empty 405).
 */
function apiGate(request: NextRequest): NextResponse | null {
  const raw = new URL(request.url).pathname;
  for (const segment of raw.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch {
      return jsonError(400, "VALIDATION_FAILED", "The path has a malformed percent-encoding.");
    }
  }
  const route = API_ROUTES.find(
    (r) => raw === r.prefix.replace(/\/$/, "") || raw.startsWith(r.prefix),
  );
  if (!route) return jsonError(404, "NOT_FOUND", `No API route ${raw.slice(0, 200)}.`);
  if (!route.methods.includes(request.method)) {
    return jsonError(405, "METHOD_NOT_ALLOWED", `Use ${route.methods.join(", ")}.`, {
      allow: route.methods.join(", "),
    });
  }
  return null;
}

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith("/api/")) return apiGate(request) ?? withRequestId(request);

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  // An optimistic check only: visitors without a session cookie go to /login. The console layout
  // resolves the session for real and redirects when the cookie is stale.
  if (pathname !== "/login" && !request.cookies.has(SESSION_COOKIE)) {
    const login = new URL("/login", request.url);
    const next = pathname + request.nextUrl.search;
    if (next !== "/") login.searchParams.set("next", next);
    return NextResponse.redirect(login);
  }
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Everything except Next's assets and static files (the API for its error shapes, pages for the
  // nonce and the login redirect).
  matcher: ["/((?!_next/|favicon.ico|.*\\.(?:svg|png|ico|css|js)$).*)"],
};

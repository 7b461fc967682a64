import { pathSegments } from "./boundary";
import { API_PREFIX, matchEndpoint } from "./handler";

/**
 * The metrics label of a REST request: the endpoint's path template (`/api/v1/vms/:vmId`), so
 * that ids and unknown paths never become label values.
 */
export function restRouteOf(request: Request): string {
  try {
    const segments = pathSegments(new URL(request.url).pathname, API_PREFIX);
    if (segments.length === 1 && segments[0] === "openapi.json")
      return `${API_PREFIX}/openapi.json`;
    const match = matchEndpoint(request.method.toUpperCase(), segments);
    return "endpoint" in match
      ? `${API_PREFIX}${match.endpoint.path}`
      : `${API_PREFIX}/(unmatched)`;
  } catch {
    return `${API_PREFIX}/(malformed)`;
  }
}

import { exportAuditEvents } from "~/server/rest/audit-export";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return exportAuditEvents(request);
}

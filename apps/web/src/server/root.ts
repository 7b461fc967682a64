import { apiKeysRouter } from "./routers/apiKeys";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { catalogRouter } from "./routers/catalog";
import { fleetRouter } from "./routers/fleet";
import { hostsRouter } from "./routers/hosts";
import { iamRouter } from "./routers/iam";
import { inventoryRouter } from "./routers/inventory";
import { netservicesRouter } from "./routers/netservices";
import { networksRouter } from "./routers/networks";
import { operationsRouter } from "./routers/operations";
import { passthruRouter } from "./routers/passthru";
import { sriovRouter } from "./routers/sriov";
import { vmsRouter } from "./routers/vms";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  hosts: hostsRouter,
  inventory: inventoryRouter,
  operations: operationsRouter,
  networks: networksRouter,
  sriov: sriovRouter,
  vms: vmsRouter,
  catalog: catalogRouter,
  netservices: netservicesRouter,
  iam: iamRouter,
  apiKeys: apiKeysRouter,
  audit: auditRouter,
  fleet: fleetRouter,
  passthru: passthruRouter,
});
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

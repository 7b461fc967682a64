import { authRouter } from "./routers/auth";
import { hostsRouter } from "./routers/hosts";
import { inventoryRouter } from "./routers/inventory";
import { networksRouter } from "./routers/networks";
import { operationsRouter } from "./routers/operations";
import { sriovRouter } from "./routers/sriov";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  hosts: hostsRouter,
  inventory: inventoryRouter,
  operations: operationsRouter,
  networks: networksRouter,
  sriov: sriovRouter,
});
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

import { authRouter } from "./routers/auth";
import { hostsRouter } from "./routers/hosts";
import { inventoryRouter } from "./routers/inventory";
import { operationsRouter } from "./routers/operations";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  hosts: hostsRouter,
  inventory: inventoryRouter,
  operations: operationsRouter,
});
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);

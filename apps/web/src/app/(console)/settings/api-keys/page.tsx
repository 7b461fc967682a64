import { requireRole } from "~/app/(console)/guard";
import { ApiKeysPage } from "./ApiKeysPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "API keys · virtfn" };

export default async function Page() {
  await requireRole("self.manage");
  return (
    <TRPCReactProvider>
      <ApiKeysPage />
    </TRPCReactProvider>
  );
}

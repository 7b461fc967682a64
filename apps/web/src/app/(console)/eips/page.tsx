import { requireRole } from "../guard";
import { EipsPage } from "./EipsPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "EIPs · virtfn" };

export default async function Page() {
  await requireRole("netservices.manage");
  return (
    <TRPCReactProvider>
      <EipsPage />
    </TRPCReactProvider>
  );
}

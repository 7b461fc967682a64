import { requireRole } from "../guard";
import { CatalogPage } from "./CatalogPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Catalog · virtfn" };

export default async function Page() {
  await requireRole("catalog.manage");
  return (
    <TRPCReactProvider>
      <CatalogPage />
    </TRPCReactProvider>
  );
}

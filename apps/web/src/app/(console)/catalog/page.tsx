import { requireRole } from "../guard";
import { CatalogPage } from "./CatalogPage";

export const metadata = { title: "Catalog · virtfn" };

export default async function Page() {
  await requireRole("catalog.manage");
  return <CatalogPage />;
}

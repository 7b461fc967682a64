import { wholePage } from "~/components/ui/whole-page";
import { settle } from "~/trpc/server";
import { requireRole } from "../guard";
import { CatalogPage } from "./CatalogPage";

export const metadata = { title: "Catalog · virtfn" };

// Rendered on the server: both lists are in the first paint and the page loads no data layer.
export default async function Page() {
  await requireRole("catalog.manage");
  const [offerings, images] = await Promise.all([
    settle("catalog.offerings", undefined, async (api) => wholePage(await api.catalog.offerings())),
    settle("catalog.images", undefined, async (api) => wholePage(await api.catalog.images())),
  ]);
  return <CatalogPage offerings={offerings} images={images} />;
}

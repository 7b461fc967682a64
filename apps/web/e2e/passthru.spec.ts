import { expect, test } from "./fixtures";
import { login } from "./helpers";

// Issue 17: kvm-02 (sim profile kvm-e810) has a GPU alone in its IOMMU group (0000:3b:00.0) and
// one that shares its group with an audio function (0000:5e:00.0). An admin marks the first
// assignable from the host page and unmarks it again; the second's button carries core's refusal.
test("admin marks a GPU assignable on the host page; a device sharing its IOMMU group is refused", async ({
  page,
}) => {
  await login(page);
  await page.goto("/hosts");
  await page.getByRole("link", { name: "kvm-02", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("kvm-02");

  const section = page.getByTestId("pci-devices");
  await expect(section.getByRole("heading", { name: /PCI devices/ })).toBeVisible();
  const shared = section.locator('[data-testid="pci-device-row"][data-pci="0000:5e:00.0"]');
  await expect(shared.getByTestId("pci-mark")).toBeDisabled();
  await expect(shared.getByTestId("pci-verdict")).toContainText("IOMMU group 41");

  const gpu = section.locator('[data-testid="pci-device-row"][data-pci="0000:3b:00.0"]');
  await expect(gpu).toContainText("Display / GPU");
  await expect(gpu).toContainText("Not assignable");
  await gpu.getByTestId("pci-mark").click();
  await expect(gpu).toContainText("Available");
  await gpu.getByTestId("pci-unmark").click();
  await expect(gpu).toContainText("Not assignable");
});

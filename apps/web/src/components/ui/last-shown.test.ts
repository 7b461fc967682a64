import { describe, expect, it } from "vitest";
import { answerToShow } from "./last-shown";

// A page rendered on the server (a list, a detail page) keeps its last view when a refresh fails (the failure
// shows in its header), but never another thing's view, and never a deleted thing's.

const vmA = { key: "vm-a", data: "view of A" };

describe("the view a detail page shows", () => {
  it("shows what the server rendered", () => {
    expect(answerToShow(vmA, "vm-a", "new view of A", false)).toBe("new view of A");
    expect(answerToShow(vmA, "vm-b", "view of B", false)).toBe("view of B");
  });

  it("keeps the last view of the same thing when a refresh fails", () => {
    expect(answerToShow(vmA, "vm-a", null, false)).toBe("view of A");
  });

  it("never shows another thing's last view", () => {
    expect(answerToShow(vmA, "vm-b", null, false)).toBeNull();
  });

  it("shows the gate once the thing is gone, whatever was shown before", () => {
    expect(answerToShow(vmA, "vm-a", null, true)).toBeNull();
  });
});

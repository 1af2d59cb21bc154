import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { toModelInfo } from "@/src/lib/chutes/models.ts";
import { listModels } from "@/tests/emulator/models.ts";
import { ModelPicker } from "./ModelPicker.tsx";
import type { ModelCatalog } from "./useModelCatalog.ts";

// The emulator's catalog, parsed as the app parses Chutes' /v1/models.
const models = listModels().data.flatMap((raw) => toModelInfo(raw) ?? []);
const ready = (note?: string): ModelCatalog => ({
  state: "ready",
  models,
  defaultModel: "Qwen/Qwen3-32B",
  defaultModelNote: note,
});

async function openList() {
  await userEvent.click(screen.getByRole("combobox", { name: "Model" }));
  return within(screen.getByRole("listbox", { name: "Models" }))
    .getAllByRole("option")
    .map((o) => o.textContent ?? "");
}

describe("the model picker's filters", () => {
  it("shows only models with every chosen capability, with their badges", async () => {
    render(<ModelPicker catalog={ready()} value="Qwen/Qwen3-32B" onChange={() => {}} />);
    await userEvent.click(screen.getByRole("button", { name: "Reasoning" }));
    await userEvent.click(screen.getByRole("button", { name: "TEE" }));
    expect(screen.getByRole("button", { name: "TEE" }).getAttribute("aria-pressed")).toBe("true");
    const options = await openList();
    expect(options.length).toBeGreaterThan(1);
    for (const option of options) {
      expect(option).toContain("TEE");
      expect(option).toContain("Reasoning");
    }
    expect(options.some((o) => o.startsWith("zai-org/GLM-4.5-Air"))).toBe(false);
  });

  it("filters vision models and sorts by price and by context", async () => {
    render(<ModelPicker catalog={ready()} value="Qwen/Qwen3-32B" onChange={() => {}} />);
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Sort models by" }), "price");
    let options = await openList();
    expect(options[0]).toMatch(/^unsloth\/gemma-3-12b-it/);
    await userEvent.keyboard("{Escape}");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Sort models by" }), "context");
    options = await openList();
    expect(options[0]).toMatch(/^Qwen\/Qwen3-235B-A22B-Thinking-2507/);
    await userEvent.keyboard("{Escape}");
    await userEvent.click(screen.getByRole("button", { name: "Vision" }));
    options = await openList();
    expect(options).toHaveLength(1);
    expect(options[0]).toContain("Vision");
  });

  it("keeps the filter row in place, disabled, while the models load", async () => {
    const { rerender } = render(
      <ModelPicker catalog={{ state: "loading" }} value="Qwen/Qwen3-32B" onChange={() => {}} />,
    );
    // Present from the first paint: the row appearing with the models shifted the page down.
    const reasoning = screen.getByRole("button", { name: "Reasoning" });
    expect(reasoning.matches(":disabled")).toBe(true);
    await userEvent.click(reasoning);
    expect(reasoning.getAttribute("aria-pressed")).toBe("false");
    rerender(<ModelPicker catalog={ready()} value="Qwen/Qwen3-32B" onChange={() => {}} />);
    expect(screen.getByRole("button", { name: "Reasoning" }).matches(":disabled")).toBe(false);
  });

  it("says so when the configured default model was replaced", () => {
    render(
      <ModelPicker
        catalog={ready("The configured default model x/Gone is not offered right now.")}
        value="Qwen/Qwen3-32B"
        onChange={() => {}}
      />,
    );
    expect(screen.getByTestId("default-model-note").textContent).toContain("x/Gone is not offered");
  });
});

"use client";

import { formatTokens, formatUsd, type Usage } from "@/src/lib/chat/cost.ts";
import type { TurnEstimate as Estimate } from "@/src/lib/chat/estimate.ts";
import { formatCount } from "@/src/lib/formatCount.ts";

// Under the composer: what the next turn will cost before it is sent, and what the last one
// really cost once its usage arrived.

export function TurnEstimateLine({ estimate }: { estimate: Estimate }) {
  const { promptTokens, promptCost, maxCost, outputCeiling, contextLength, contextShare, contextWarning } =
    estimate;
  return (
    <div data-testid="turn-estimate" className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <span>
        ≈ {formatTokens(promptTokens)} in{promptCost !== null ? ` · ${formatUsd(promptCost)}` : ""}
        {outputCeiling !== null && maxCost !== null
          ? ` · up to ${formatUsd(maxCost)} with a ${formatCount(outputCeiling)}-token answer`
          : ""}
        {estimate.droppedMessages > 0 ? ` · ${estimate.droppedMessages} older messages left out` : ""}
      </span>
      {contextLength && contextShare !== null ? (
        <span className="flex items-center gap-1.5">
          <meter
            aria-label="Context used"
            min={0}
            max={contextLength}
            low={contextLength * 0.6}
            high={contextLength * 0.8}
            optimum={0}
            value={Math.min(promptTokens, contextLength)}
            className="h-2 w-24"
          />
          <span>
            {formatCount(promptTokens)} / {formatCount(contextLength)} context
          </span>
        </span>
      ) : null}
      {contextWarning ? (
        <span
          role="status"
          data-testid="context-warning"
          className="font-semibold text-amber-800 dark:text-amber-300"
        >
          {contextWarning === "over"
            ? "This turn does not fit the model's context: shorten the message or start a new chat."
            : "Close to the model's context limit."}
        </span>
      ) : null}
    </div>
  );
}

/** The last answer's real usage, with its estimate beside it when one was made. */
export function LastTurnUsage({
  usage,
  cost,
  estimated,
  balance,
}: {
  usage: Usage;
  cost: number | null;
  estimated: number | undefined;
  /** The account's balance read right after the answer. */
  balance?: number | undefined;
}) {
  const cached = usage.cachedInputTokens ? ` (${formatCount(usage.cachedInputTokens)} cached)` : "";
  const thinking = usage.reasoningTokens ? ` (${formatCount(usage.reasoningTokens)} thinking)` : "";
  return (
    <p data-testid="last-turn-usage">
      Last turn: {formatTokens(usage.inputTokens ?? 0)} in{cached}, {formatTokens(usage.outputTokens ?? 0)}{" "}
      out
      {thinking}
      {cost !== null ? ` · ${formatUsd(cost)}` : ""}
      {estimated !== undefined ? ` · estimated ${formatCount(estimated)} in` : ""}
      {balance !== undefined ? (
        <span data-testid="balance-after"> · balance ${balance.toFixed(balance >= 100 ? 2 : 4)}</span>
      ) : null}
    </p>
  );
}

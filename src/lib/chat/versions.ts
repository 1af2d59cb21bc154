import { z } from "zod";
import type { ChatMessage, MessageMetadata } from "./messages.ts";

// Answer versions: a regenerated answer or an edited question keeps what it replaced. The message
// at the fork carries, in its metadata, the other branches (each the fork's message and everything
// that followed it) and the position of the shown one among all of them.

const branchMessageSchema = z.object({
  id: z.string().min(1),
  role: z.enum(["system", "user", "assistant"]),
  parts: z.array(z.looseObject({ type: z.string().min(1) })),
  // Kept as written (no recursive schema): a branch shown again is not re-validated.
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const versionFieldsSchema = {
  /** The other versions, each a branch from this message on (newest last). */
  versions: z.array(z.array(branchMessageSchema).min(1)).optional(),
  /** Where the shown version sits among all versions (0-based). */
  versionIndex: z.number().int().nonnegative().optional(),
};

export interface VersionPosition {
  /** 0-based. */
  index: number;
  count: number;
}

export function versionPosition(message: Pick<ChatMessage, "metadata">): VersionPosition {
  const others = message.metadata?.versions?.length ?? 0;
  return { index: Math.min(message.metadata?.versionIndex ?? others, others), count: others + 1 };
}

function withoutVersionFields(metadata: MessageMetadata | undefined): MessageMetadata | undefined {
  if (!metadata) return undefined;
  const { versions: _versions, versionIndex: _index, ...rest } = metadata;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** Every version of the branch starting at `messages[at]`, in order, the shown one included. */
function allBranches(messages: ChatMessage[], at: number): ChatMessage[][] {
  const fork = messages[at];
  if (!fork) return [];
  const shown = [{ ...fork, metadata: withoutVersionFields(fork.metadata) }, ...messages.slice(at + 1)];
  const others = (fork.metadata?.versions ?? []) as ChatMessage[][];
  const { index } = versionPosition(fork);
  return [...others.slice(0, index), shown, ...others.slice(index)];
}

/**
 * The version fields for a new version at `messages[at]` that replaces the branch from there on:
 * the old branch and its own earlier versions are kept, the new one comes last.
 */
export function newVersionFields(
  messages: ChatMessage[],
  at: number,
): Pick<MessageMetadata, "versions" | "versionIndex"> {
  const branches = allBranches(messages, at);
  return { versions: branches, versionIndex: branches.length };
}

/** The conversation with the branch at `messages[at]` switched to version `target` (0-based). */
export function switchVersion(messages: ChatMessage[], at: number, target: number): ChatMessage[] {
  const branches = allBranches(messages, at);
  const chosen = branches[target];
  const fork = chosen?.[0];
  if (!chosen || !fork) return messages;
  const others = branches.filter((_, i) => i !== target);
  const rest = chosen.slice(1);
  return [
    ...messages.slice(0, at),
    { ...fork, metadata: { ...fork.metadata, versions: others, versionIndex: target } },
    ...rest,
  ];
}

/** The conversation as it goes to the server: only the shown branch, not the kept versions. */
export function withoutVersions(messages: ChatMessage[]): ChatMessage[] {
  return messages.map((m) =>
    m.metadata?.versions || m.metadata?.versionIndex !== undefined
      ? { ...m, metadata: withoutVersionFields(m.metadata) }
      : m,
  );
}

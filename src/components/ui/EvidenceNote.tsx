import { describeEvidence, type SourceEvidence } from "@/src/lib/chat/sourceEvidence.ts";

/** Why a knowledge-base passage was chosen, in a quiet line under it. */
export function EvidenceNote({ evidence }: { evidence: SourceEvidence }) {
  const text = describeEvidence(evidence);
  return text ? (
    <span className="block text-[0.7rem] text-zinc-600 dark:text-zinc-400">Why: {text}</span>
  ) : null;
}

"use client";

import { useState } from "react";
import { DOCUMENT_LIMITS, type DocumentPart } from "@/src/lib/api/documents.ts";
import { IMAGE_LIMITS, type ImagePart, isImagePart } from "@/src/lib/api/images.ts";
import { AttachmentError } from "./attachmentError.ts";

export type AttachmentPart = ImagePart | DocumentPart;

export interface Attachment {
  id: string;
  part: AttachmentPart;
  /** What was left out of it (a document cut to the limit). */
  notice?: string;
}

export interface Attachments {
  items: Attachment[];
  /** Files being read, decoded or resized. */
  preparing: number;
  /** Why the last files were not attached, one sentence per file. */
  problem: string | null;
  add: (files: ReadonlyArray<File>) => void;
  remove: (id: string) => void;
  clear: () => void;
}

const isImageFile = (file: File) => file.type.startsWith("image/");

/** Lazily: the resizer and the document reader load on the first attach, not with the page. */
async function prepare(file: File): Promise<Omit<Attachment, "id">> {
  if (isImageFile(file)) {
    const { prepareImage } = await import("./prepareImage.ts");
    return { part: await prepareImage(file) };
  }
  const { prepareDocument } = await import("./prepareDocument.ts");
  return prepareDocument(file);
}

/** The files waiting in the composer: images for a vision model, documents for any model. */
export function useAttachments(): Attachments {
  const [items, setItems] = useState<Attachment[]>([]);
  const [preparing, setPreparing] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);

  const add = (files: ReadonlyArray<File>) => {
    if (files.length === 0) return;
    const problems: string[] = [];
    // Room is counted on what is attached; files still being read count as what they look like.
    let images = IMAGE_LIMITS.perMessage - items.filter((i) => isImagePart(i.part)).length;
    let documents = DOCUMENT_LIMITS.perMessage - items.filter((i) => !isImagePart(i.part)).length;
    const taken = files.filter((file) => {
      const image = isImageFile(file);
      if (image ? images <= 0 : documents <= 0) {
        problems.push(
          image
            ? `A message may hold at most ${IMAGE_LIMITS.perMessage} images: ${file.name} was not attached.`
            : `A message may hold at most ${DOCUMENT_LIMITS.perMessage} documents: ${file.name} was not attached.`,
        );
        return false;
      }
      if (image) images--;
      else documents--;
      return true;
    });
    setProblem(problems.length > 0 ? problems.join(" ") : null);
    if (taken.length === 0) return;
    setPreparing((n) => n + taken.length);
    void Promise.allSettled(taken.map(prepare)).then((results) => {
      const ready: Attachment[] = [];
      results.forEach((result, i) => {
        if (result.status === "fulfilled") ready.push({ id: crypto.randomUUID(), ...result.value });
        else problems.push(describeFailure(result.reason, taken[i]?.name ?? "A file"));
      });
      setItems((current) => [...current, ...ready]);
      setPreparing((n) => n - taken.length);
      setProblem(problems.length > 0 ? problems.join(" ") : null);
    });
  };

  return {
    items,
    preparing,
    problem,
    add,
    remove: (id) => setItems((current) => current.filter((item) => item.id !== id)),
    clear: () => {
      setItems([]);
      setProblem(null);
    },
  };
}

function describeFailure(reason: unknown, name: string): string {
  // An AttachmentError's words are meant for the user; a failed chunk load means the network.
  if (reason instanceof AttachmentError) return reason.message;
  if (reason instanceof Error && /chunk|dynamically imported module|import/i.test(reason.message))
    return "The attachment tools could not load: check the connection and attach again.";
  return `${name} could not be read.`;
}

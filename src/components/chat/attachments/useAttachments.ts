"use client";

import { useState } from "react";
import { IMAGE_LIMITS, type ImagePart } from "@/src/lib/api/images.ts";

export interface AttachedImage {
  id: string;
  part: ImagePart;
}

export interface ImageAttachments {
  items: AttachedImage[];
  /** Files being decoded and resized. */
  preparing: number;
  /** Why the last files were not attached, one line per file. */
  problem: string | null;
  add: (files: ReadonlyArray<File>) => void;
  remove: (id: string) => void;
  clear: () => void;
}

/** The images waiting in the composer; the resizer loads on the first attach, not with the page. */
export function useImageAttachments(): ImageAttachments {
  const [items, setItems] = useState<AttachedImage[]>([]);
  const [preparing, setPreparing] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);

  const add = (files: ReadonlyArray<File>) => {
    if (files.length === 0) return;
    const room = IMAGE_LIMITS.perMessage - items.length - preparing;
    const taken = files.slice(0, Math.max(0, room));
    const problems =
      files.length > taken.length ? [`A message may hold at most ${IMAGE_LIMITS.perMessage} images.`] : [];
    setProblem(problems[0] ?? null);
    if (taken.length === 0) return;
    setPreparing((n) => n + taken.length);
    void import("./prepareImage.ts").then(
      async ({ prepareImage, AttachmentError }) => {
        const results = await Promise.allSettled(taken.map(prepareImage));
        const ready: AttachedImage[] = [];
        for (const result of results) {
          if (result.status === "fulfilled") ready.push({ id: crypto.randomUUID(), part: result.value });
          else
            problems.push(
              result.reason instanceof AttachmentError
                ? result.reason.message
                : "An image could not be read.",
            );
        }
        setItems((current) => [...current, ...ready]);
        setPreparing((n) => n - taken.length);
        setProblem(problems.length > 0 ? problems.join(" ") : null);
      },
      () => {
        setPreparing((n) => n - taken.length);
        setProblem("The image tools could not load: check the connection and attach again.");
      },
    );
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

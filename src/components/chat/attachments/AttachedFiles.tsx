"use client";

import type { AttachedImage } from "./useImageAttachments.ts";

/** The images waiting to go with the next message, each with its own remove button. */
export function AttachedImages({
  images,
  preparing,
  onRemove,
}: {
  images: ReadonlyArray<AttachedImage>;
  preparing: number;
  onRemove: (id: string) => void;
}) {
  if (images.length === 0 && preparing === 0) return null;
  return (
    <ul aria-label="Attached images" className="flex flex-wrap gap-2 pt-1">
      {images.map(({ id, part: image }) => (
        <li key={id} className="relative">
          {/* biome-ignore lint/performance/noImgElement: a data URL thumbnail; next/image adds nothing here */}
          <img
            src={image.url}
            alt={image.filename ?? "attached image"}
            className="h-16 w-16 rounded-md object-cover"
          />
          <button
            type="button"
            onClick={() => onRemove(id)}
            className="btn-touch absolute -top-3 -right-3 flex items-center justify-center rounded-full text-base leading-none"
            aria-label={`Remove ${image.filename ?? "image"}`}
          >
            <span className="flex h-6 w-6 items-center justify-center rounded-full bg-zinc-800 text-white">
              ×
            </span>
          </button>
        </li>
      ))}
      {preparing > 0 ? (
        <li role="status" className="flex h-16 items-center px-2 text-xs text-zinc-700 dark:text-zinc-300">
          Preparing {preparing === 1 ? "an image" : `${preparing} images`}…
        </li>
      ) : null}
    </ul>
  );
}

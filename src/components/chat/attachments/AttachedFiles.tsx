"use client";

import { isImagePart } from "@/src/lib/api/images.ts";
import type { Attachment } from "./useAttachments.ts";

function RemoveButton({ name, onRemove }: { name: string; onRemove: () => void }) {
  return (
    <button
      type="button"
      onClick={onRemove}
      className="btn-touch absolute -top-3 -right-3 flex items-center justify-center rounded-full text-base leading-none"
      aria-label={`Remove ${name}`}
    >
      <span className="flex h-6 w-6 items-center justify-center rounded-full bg-zinc-800 text-white">×</span>
    </button>
  );
}

/** The files waiting to go with the next message, each with its own remove button. */
export function AttachedFiles({
  items,
  preparing,
  onRemove,
}: {
  items: ReadonlyArray<Attachment>;
  preparing: number;
  onRemove: (id: string) => void;
}) {
  if (items.length === 0 && preparing === 0) return null;
  return (
    <ul aria-label="Attachments" className="flex flex-wrap gap-3 pt-2">
      {items.map(({ id, part, notice }) => {
        const name = part.filename ?? (isImagePart(part) ? "image" : "document");
        return (
          <li key={id} className="relative">
            {isImagePart(part) ? (
              // biome-ignore lint/performance/noImgElement: a data URL thumbnail; next/image adds nothing here
              <img src={part.url} alt={name} className="h-16 w-16 rounded-md object-cover" />
            ) : (
              <span className="flex h-16 max-w-56 flex-col justify-center rounded-md border border-zinc-300 pr-6 pl-3 text-sm dark:border-zinc-600">
                <span className="truncate font-medium">{name}</span>
                <span className="text-xs text-zinc-700 dark:text-zinc-300">
                  Document{notice ? `: ${notice}` : ""}
                </span>
              </span>
            )}
            <RemoveButton name={name} onRemove={() => onRemove(id)} />
          </li>
        );
      })}
      {preparing > 0 ? (
        <li role="status" className="flex h-16 items-center px-2 text-xs text-zinc-700 dark:text-zinc-300">
          Preparing {preparing === 1 ? "a file" : `${preparing} files`}…
        </li>
      ) : null}
    </ul>
  );
}

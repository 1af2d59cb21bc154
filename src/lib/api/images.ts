import type { FileUIPart } from "ai";

// Images sent to vision models: one set of limits for the browser (which resizes to them before
// sending) and the server (which refuses anything beyond them). Chutes takes images only as
// OpenAI `image_url` parts; the AI SDK's file parts become those, as data URLs, so no image is
// ever fetched from elsewhere.

export const IMAGE_MEDIA_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

export const IMAGE_LIMITS = {
  perMessage: 4,
  /** The whole conversation goes with every question; older images beyond this are left out. */
  perRequest: 8,
  /** Bytes of one image as sent, after the browser has resized it. */
  bytes: 2 * 1024 * 1024,
  /** The longest side the browser scales down to: what the vision models on Chutes take in. */
  longSide: 2048,
  filename: 255,
} as const;

/** Room in a request body for the most images it may carry, base64-encoded. */
export const IMAGE_BODY_BYTES = IMAGE_LIMITS.perRequest * Math.ceil((IMAGE_LIMITS.bytes * 4) / 3);

const DATA_URL = /^data:([a-z]+\/[\w.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/;

/** The media type and decoded size of a base64 data URL, or null when it is not one. */
export function readDataUrl(url: string): { mediaType: string; bytes: number } | null {
  const match = DATA_URL.exec(url);
  if (!match?.[1] || match[2] === undefined) return null;
  const payload = match[2];
  const padding = payload.endsWith("==") ? 2 : payload.endsWith("=") ? 1 : 0;
  return { mediaType: match[1], bytes: (payload.length / 4) * 3 - padding };
}

export type ImagePart = FileUIPart & { mediaType: ImageMediaType };

export function isImagePart(part: { type: string; mediaType?: unknown }): part is ImagePart {
  return part.type === "file" && typeof part.mediaType === "string" && part.mediaType.startsWith("image/");
}

/** What a model that cannot see reads in place of an image, so the conversation still makes sense. */
export function imagePlaceholder(part: Pick<FileUIPart, "filename">): string {
  return `[image${part.filename ? ` ${part.filename}` : ""}, not sent]`;
}

type FilePartLike = { type: string; mediaType?: unknown; filename?: string | undefined };

/**
 * Keeps the newest `room` parts that `matches` and puts `placeholder(part)` in place of older ones:
 * what a request may carry of a conversation's attachments.
 */
export function newestParts<M extends { parts: ReadonlyArray<FilePartLike> }>(
  messages: M[],
  matches: (part: FilePartLike) => boolean,
  room: number,
  placeholder: (part: FilePartLike) => string,
): M[] {
  const kept = new Set<object>();
  for (let i = messages.length - 1; i >= 0 && kept.size < room; i--) {
    const parts = messages[i]?.parts ?? [];
    for (let j = parts.length - 1; j >= 0 && kept.size < room; j--) {
      const part = parts[j];
      if (part && matches(part)) kept.add(part);
    }
  }
  const dropped = (p: FilePartLike) => matches(p) && !kept.has(p);
  return messages.map((m) =>
    m.parts.some(dropped)
      ? { ...m, parts: m.parts.map((p) => (dropped(p) ? { type: "text", text: placeholder(p) } : p)) }
      : m,
  );
}

/**
 * The conversation as it goes to the model: a model that cannot see gets a placeholder for each
 * image, one that can gets the newest `perRequest` images and placeholders for older ones.
 */
export function imagesForModel<M extends { parts: ReadonlyArray<FilePartLike> }>(
  messages: M[],
  acceptsImages: boolean,
): M[] {
  return newestParts(messages, isImagePart, acceptsImages ? IMAGE_LIMITS.perRequest : 0, imagePlaceholder);
}

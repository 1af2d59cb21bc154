import { z } from "zod";
import { DOCUMENT_LIMITS, DOCUMENT_MEDIA_TYPES } from "./documents.ts";
import { IMAGE_LIMITS, IMAGE_MEDIA_TYPES, readDataUrl } from "./images.ts";

// The chat request's file parts as the server checks them. Apart from images.ts and documents.ts
// (their limits and rules), so the composer, which is in the first paint, does not bring zod.

/**
 * A file part whose data URL must be of its own media type and at most `maxBytes` decoded: the
 * check images and documents share, with each one's words for what went wrong.
 */
function refineDataUrl(maxBytes: number, words: { notOwn: string; tooBig: string }) {
  return (part: { mediaType: string; url: string }, ctx: z.RefinementCtx) => {
    const data = readDataUrl(part.url);
    if (!data || data.mediaType !== part.mediaType)
      ctx.addIssue({ code: "custom", path: ["url"], message: words.notOwn });
    else if (data.bytes > maxBytes) ctx.addIssue({ code: "custom", path: ["url"], message: words.tooBig });
  };
}

export const imagePartSchema = z
  .object({
    type: z.literal("file"),
    mediaType: z.enum(IMAGE_MEDIA_TYPES, "an image must be PNG, JPEG, WebP or GIF"),
    filename: z.string().max(IMAGE_LIMITS.filename).optional(),
    url: z.string(),
  })
  .superRefine(
    refineDataUrl(IMAGE_LIMITS.bytes, {
      notOwn: "an image must be sent as its own data",
      tooBig: `an image may be at most ${IMAGE_LIMITS.bytes / (1024 * 1024)} MB`,
    }),
  );

export const documentPartSchema = z
  .object({
    type: z.literal("file"),
    mediaType: z.enum(DOCUMENT_MEDIA_TYPES, "a document must be text, Markdown, HTML or a PDF's text"),
    filename: z.string().min(1, "a document needs its file name").max(DOCUMENT_LIMITS.filename),
    url: z.string(),
  })
  .superRefine(
    refineDataUrl(DOCUMENT_LIMITS.textBytes, {
      notOwn: "a document must be sent as its own text",
      tooBig: "a document may hold at most 1 MB of text",
    }),
  );
